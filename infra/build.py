"""Build the deployable CloudFormation template and the functions' code package.

Runs `chalice package` with infra/resources.json merged in, then places the state machine's
definition (infra/statemachine.json) into the template. The result, `template.json` and
`deployment.zip` in the output folder, deploys unchanged to LocalStack or to AWS.

    python infra/build.py --stage local --out .fullfill/build
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE_MACHINE = ROOT / "infra" / "statemachine.json"
MERGE_TEMPLATE = ROOT / "infra" / "resources.json"


def build(stage: str, out: Path) -> Path:
    """Package the app into `out` and return the path of the finished template."""
    if out.exists():
        shutil.rmtree(out)
    chalice = Path(sys.executable).with_name("chalice")
    # chalice package refuses to run without a region, although the template names none.
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")}
    subprocess.run(
        [str(chalice), "package", "--stage", stage, "--merge-template", str(MERGE_TEMPLATE),
         str(out)],
        cwd=ROOT, check=True, env=env,
    )
    template_path = out / "sam.json"
    template = json.loads(template_path.read_text())
    machine = template["Resources"]["ImportStateMachine"]["Properties"]
    machine["Definition"] = json.loads(STATE_MACHINE.read_text())
    final = out / "template.json"
    final.write_text(json.dumps(template, indent=2))
    template_path.unlink()
    return final


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="local", help="Chalice stage in .chalice/config.json")
    parser.add_argument("--out", default=str(ROOT / ".fullfill" / "build"),
                        help="output folder (emptied first)")
    args = parser.parse_args()
    print(build(args.stage, Path(args.out)))


if __name__ == "__main__":
    main()
