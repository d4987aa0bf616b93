"""The deployable template as AWS would take it: built by infra/build.py, checked by cfn-lint."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "infra"))

import build  # noqa: E402


@pytest.fixture(scope="module")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build.build("prod", tmp_path_factory.mktemp("build") / "out")


def test_template_passes_cfn_lint_without_errors(template_path):
    result = subprocess.run(
        [str(Path(sys.executable).with_name("cfn-lint")), "--format", "parseable",
         str(template_path)],
        capture_output=True, text=True,
    )
    # Parseable lines read file:line:column:end line:end column:rule:message.
    errors = [line for line in result.stdout.splitlines()
              if re.search(r":\d+:\d+:\d+:\d+:E\d+:", line)]

    assert errors == []


def test_template_inlines_state_machine_definition(template_path):
    template = json.loads(template_path.read_text())
    machine = template["Resources"]["ImportStateMachine"]["Properties"]

    assert machine["Definition"]["StartAt"] == "DescribeUpload"
    assert set(machine["DefinitionSubstitutions"]) >= {"ImportChunkArn", "ValidateImportArn"}


def test_template_functions_use_least_privilege_roles(template_path):
    resources = json.loads(template_path.read_text())["Resources"]
    functions = {name: r for name, r in resources.items()
                 if r["Type"] == "AWS::Serverless::Function"}

    assert functions["APIHandler"]["Properties"]["Role"] == {"Fn::GetAtt": ["ApiRole", "Arn"]}
    for name in ("ValidateImport", "ImportChunk", "FinalizeImport", "FailImport", "IndexProducts"):
        assert functions[name]["Properties"]["Role"] == {"Fn::GetAtt": ["WorkerRole", "Arn"]}
    statements = [s for policy in resources["WorkerRole"]["Properties"]["Policies"]
                  for s in policy["PolicyDocument"]["Statement"]]
    actions = {a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str)
                                                else s["Action"])}
    assert actions == {"s3:GetObject", "s3:DeleteObject", "s3:PutObject"}
    assert all("*" not in json.dumps(s["Action"]) for s in statements)


def test_template_bucket_expires_abandoned_uploads(template_path):
    bucket = json.loads(template_path.read_text())["Resources"]["UploadBucket"]["Properties"]
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}

    assert rules["ExpireAbandonedUploads"]["Prefix"] == "uploads/"
    assert rules["ExpireAbandonedUploads"]["ExpirationInDays"] == {"Ref": "UploadRetentionDays"}
    assert bucket["NotificationConfiguration"]["EventBridgeConfiguration"]["EventBridgeEnabled"]
    assert bucket["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] is True


def test_template_progress_service_only_with_an_image(template_path):
    resources = json.loads(template_path.read_text())["Resources"]

    assert resources["ProgressService"]["Condition"] == "DeployProgressService"
    assert resources["ProgressLoadBalancer"]["Condition"] == "DeployProgressService"
