"""Deploy the stack to the local LocalStack and write its endpoints to .fullfill/stack.json.

    DATABASE_URL=... python infra/local/deploy.py

Builds the template (infra/build.py), uploads the code package to a deployment bucket, then
creates the CloudFormation stack, or updates it when it exists. Safe to run again.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import botocore.exceptions

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "infra"))

import build  # noqa: E402

logger = logging.getLogger("deploy")

STACK_NAME = "fullfill"
DEPLOYMENT_BUCKET = "fullfill-deployment"
ENDPOINT = "http://127.0.0.1:4566"
STACK_FILE = ROOT / ".fullfill" / "stack.json"
FAULT_DIR = ROOT / ".fullfill" / "faults"
DEPLOYED_FILE = ROOT / ".fullfill" / "build-deployed.json"
LOCK_FILE = ROOT / ".fullfill" / "deploy.lock"
# CloudFormation takes a template inline up to this size; larger ones go through S3.
MAX_INLINE_TEMPLATE = 51_200


def local_aws_environment() -> None:
    """Point boto3 at LocalStack with its test credentials, never at a real account."""
    os.environ["AWS_ENDPOINT_URL"] = ENDPOINT
    os.environ["AWS_ACCESS_KEY_ID"] = "test"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "test"
    os.environ["AWS_DEFAULT_REGION"] = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)


def drop_progress_service(template: dict[str, Any]) -> None:
    """Remove the resources of the ECS progress service, which runs as a local process here.

    Their DeployProgressService condition is false locally anyway, but LocalStack 4.8.1 still
    tries to create some of them and fails the stack.
    """
    resources = template["Resources"]
    for name in [n for n, r in resources.items() if r.get("Condition") == "DeployProgressService"]:
        del resources[name]
    for name in [n for n, o in template.get("Outputs", {}).items()
                 if o.get("Condition") == "DeployProgressService"]:
        del template["Outputs"][name]


def upload_package(s3: Any, template: dict[str, Any], package: Path) -> str:
    """Upload the code package, point every function's CodeUri at it, return its key."""
    digest = hashlib.sha256(package.read_bytes()).hexdigest()[:16]
    key = f"deployment-{digest}.zip"
    _ensure_bucket(s3, DEPLOYMENT_BUCKET)
    s3.upload_file(str(package), DEPLOYMENT_BUCKET, key)
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = {"Bucket": DEPLOYMENT_BUCKET, "Key": key}
    return key


def deploy_stack(
    cfn: Any, s3: Any, template: dict[str, Any], parameters: dict[str, str], code_key: str
) -> None:
    """Bring the stack to this template and code, by the cheapest way LocalStack handles.

    LocalStack 4.8.1 fails stack updates that touch the REST API's stage ("Stage already
    exists") and then loses the outputs, so a changed template recreates the stack. Changed
    code alone only replaces the functions' code.
    """
    template_digest = _template_digest(template, parameters)
    deployed = _deployed_state(cfn)
    if deployed.get("template") == template_digest:
        if deployed.get("code") != code_key:
            _update_function_code(cfn, code_key)
            _save_deployed_state(cfn, template_digest, code_key)
        return
    if _stack_status(cfn) is not None:
        # LocalStack 4.8.1 fails to update or delete this stack (its REST API stage and events
        # rule), and keeps nothing across restarts anyway: start it afresh instead.
        logger.info("deploy: template changed; restarting LocalStack to recreate %s", STACK_NAME)
        _restart_localstack()
        upload_package(s3, template, ROOT / ".fullfill" / "build" / "deployment.zip")
    cfn.create_stack(
        StackName=STACK_NAME,
        **_template_source(s3, template),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    _wait(cfn, "CREATE_COMPLETE")
    _save_deployed_state(cfn, template_digest, code_key)


def _template_digest(template: dict[str, Any], parameters: dict[str, str]) -> str:
    without_code = json.loads(json.dumps(template))
    for resource in without_code["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"].pop("CodeUri", None)
    text = json.dumps([without_code, parameters], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _deployed_state(cfn: Any) -> dict[str, str]:
    """Return what the last deploy recorded, if the stack it deployed still exists."""
    if not DEPLOYED_FILE.exists() or _stack_status(cfn) not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
        return {}
    state = json.loads(DEPLOYED_FILE.read_text())
    stack = cfn.describe_stacks(StackName=STACK_NAME)["Stacks"][0]
    return state if state.get("stack_id") == stack["StackId"] else {}


def _save_deployed_state(cfn: Any, template_digest: str, code_key: str) -> None:
    stack = cfn.describe_stacks(StackName=STACK_NAME)["Stacks"][0]
    state = {"stack_id": stack["StackId"], "template": template_digest, "code": code_key}
    DEPLOYED_FILE.write_text(json.dumps(state) + "\n")


def _update_function_code(cfn: Any, code_key: str) -> None:
    lambda_client = boto3.client("lambda")
    for name in _function_names(cfn):
        lambda_client.update_function_code(FunctionName=name, S3Bucket=DEPLOYMENT_BUCKET,
                                           S3Key=code_key)
        lambda_client.get_waiter("function_updated_v2").wait(FunctionName=name)
    logger.info("deploy: function code replaced with %s", code_key)


def _function_names(cfn: Any) -> list[str]:
    resources = cfn.describe_stack_resources(StackName=STACK_NAME)["StackResources"]
    return [r["PhysicalResourceId"] for r in resources
            if r["ResourceType"] == "AWS::Lambda::Function"]


def _template_source(s3: Any, template: dict[str, Any]) -> dict[str, str]:
    body = json.dumps(template)
    if len(body) <= MAX_INLINE_TEMPLATE:
        return {"TemplateBody": body}
    s3.put_object(Bucket=DEPLOYMENT_BUCKET, Key="template.json", Body=body.encode())
    return {"TemplateURL": f"{ENDPOINT}/{DEPLOYMENT_BUCKET}/template.json"}


def write_stack_file(cfn: Any, database_url: str) -> dict[str, str]:
    stack = cfn.describe_stacks(StackName=STACK_NAME)["Stacks"][0]
    outputs = {item["OutputKey"]: item["OutputValue"] for item in stack.get("Outputs", [])}
    endpoints = {
        "api_url": f"{ENDPOINT}/_aws/execute-api/{outputs['RestApiId']}/v1",
        "bucket": outputs["UploadBucketName"],
        "database_url": database_url,
        "state_machine_arn": outputs["ImportStateMachineArn"],
        "aws_endpoint_url": ENDPOINT,
        "fault_injection_dir": str(FAULT_DIR),
    }
    existing = json.loads(STACK_FILE.read_text()) if STACK_FILE.exists() else {}
    existing.update(endpoints)
    STACK_FILE.parent.mkdir(parents=True, exist_ok=True)
    STACK_FILE.write_text(json.dumps(existing, indent=2) + "\n")
    STACK_FILE.chmod(0o600)
    return endpoints


def _restart_localstack() -> None:
    script = str(ROOT / "infra" / "local" / "localstack.sh")
    subprocess.run(["bash", script, "stop"], check=True)
    subprocess.run(["bash", script, "start"], check=True)


def _ensure_bucket(s3: Any, name: str) -> None:
    try:
        s3.head_bucket(Bucket=name)
    except botocore.exceptions.ClientError:
        s3.create_bucket(Bucket=name)


def _stack_status(cfn: Any) -> str | None:
    try:
        stack = cfn.describe_stacks(StackName=STACK_NAME)["Stacks"][0]
    except botocore.exceptions.ClientError:
        return None
    status = stack["StackStatus"]
    if status in ("ROLLBACK_COMPLETE", "DELETE_COMPLETE", "CREATE_FAILED"):
        cfn.delete_stack(StackName=STACK_NAME)
        _wait(cfn, "DELETE_COMPLETE")
        return None
    return status


def _wait(cfn: Any, goal: str, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status = cfn.describe_stacks(StackName=STACK_NAME)["Stacks"][0]["StackStatus"]
        except botocore.exceptions.ClientError:
            if goal == "DELETE_COMPLETE":
                return
            raise
        if status == goal:
            return
        if status.endswith("FAILED") or status.endswith("ROLLBACK_COMPLETE"):
            events = cfn.describe_stack_events(StackName=STACK_NAME)["StackEvents"]
            reasons = [
                f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason')}"
                for e in events if "FAILED" in e["ResourceStatus"]
            ]
            raise RuntimeError(f"stack {STACK_NAME} ended {status}: {'; '.join(reasons[:5])}")
        time.sleep(1)
    raise TimeoutError(f"stack {STACK_NAME} did not reach {goal} within {timeout:.0f} s")


def main() -> None:
    # One deploy at a time: two would restart LocalStack or create the stack under each other.
    LOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
    with LOCK_FILE.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        deploy()


def deploy() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("botocore").setLevel(logging.WARNING)
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        sys.exit("deploy: DATABASE_URL is not set")
    local_aws_environment()
    template_path = build.build("local", ROOT / ".fullfill" / "build")
    template = json.loads(template_path.read_text())
    drop_progress_service(template)
    s3 = boto3.client("s3")
    cfn = boto3.client("cloudformation")
    code_key = upload_package(s3, template, template_path.parent / "deployment.zip")
    started = time.monotonic()
    FAULT_DIR.mkdir(parents=True, exist_ok=True)
    parameters = {"DatabaseUrl": database_url, "FaultInjectionDir": str(FAULT_DIR)}
    deploy_stack(cfn, s3, template, parameters, code_key)
    endpoints = write_stack_file(cfn, database_url)
    logger.info("deploy: stack %s ready in %.0f s; api %s", STACK_NAME,
                time.monotonic() - started, endpoints["api_url"])


if __name__ == "__main__":
    main()
