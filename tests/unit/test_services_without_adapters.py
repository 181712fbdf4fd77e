"""Services depend on their ports, never on the adapters: each loads without boto3, botocore,
Chalice, the storage package or the web layer."""

from __future__ import annotations

import subprocess
import sys

import pytest

SERVICES = [
    "chalicelib.responses.service",
    "chalicelib.sharing.service",
    "chalicelib.dialogue.service",
    "chalicelib.contacts.service",
    "chalicelib.admin.operations",
    "chalicelib.campaigns.registry",
    "chalicelib.campaigns.deployment",
    "chalicelib.followups.runner",
    "chalicelib.accounts.service",
]


@pytest.mark.parametrize("module", SERVICES)
def test_a_service_loads_without_any_adapter(module: str) -> None:
    probe = (
        f"import sys, {module}\n"
        "print(' '.join(sorted(n for n in sys.modules if n.split('.')[0] in"
        " ('boto3', 'botocore', 'chalice') or n.startswith(('chalicelib.storage',"
        " 'chalicelib.web', 'chalicelib.bootstrap')))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []
