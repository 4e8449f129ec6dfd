"""Evidence and plan files on S3-compatible storage: a local S3 server (moto in server mode,
on a loopback port) holds them; the pages read them back through their download views."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import seed_path
from tests.infra.conftest import bin_path, free_port, stop, wait_for_port
from theodoi.tracking import services
from theodoi.tracking.models import Assignment, EvidenceFile, Plan

pytestmark = [pytest.mark.services, pytest.mark.slow]

BUCKET = "theodoi-test"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server on a free loopback port, for this module's tests."""
    port = free_port()
    server = subprocess.Popen([bin_path("moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)


@pytest.fixture
def s3(settings: Any, s3_endpoint: str) -> Any:
    """The default storage switched to a fresh bucket on the local S3 server; its client."""
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
    existing = [b["Name"] for b in client.list_buckets().get("Buckets", [])]
    if BUCKET not in existing:
        client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": s3_endpoint,
                        "region_name": "us-east-1", "access_key": "testing",
                        "secret_key": "testing", "default_acl": None,
                        "querystring_auth": True, "file_overwrite": False},
        },
    }
    assert type(default_storage._setup() or default_storage._wrapped).__name__ == "S3Storage"
    return client


def objects(client: Any) -> dict[str, bytes]:
    """Every object of the bucket: key -> content."""
    listing = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read()
            for o in listing}


@pytest.mark.django_db
def test_evidence_is_stored_in_the_bucket_and_downloaded_through_the_page(
        s3: Any, client: Any, published_plan: Any, reporter_a: Any) -> None:
    assignment = Assignment.objects.filter(
        task__plan=published_plan, agency=reporter_a.profile.agency, is_active=True,
    ).order_by("task__order").first()
    content = "Biên bản họp triển khai, có chữ ký.".encode()
    report = services.submit_report(
        assignment, reporter_a, status="in_progress", percent=40, text="Đang triển khai",
        files=[SimpleUploadedFile("bien-ban.txt", content)])
    evidence = EvidenceFile.objects.get(report=report)
    stored = objects(s3)
    assert stored[evidence.file.name] == content  # in the bucket, nowhere on disk
    client.force_login(reporter_a)
    response = client.get(reverse("web:evidence-file", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert "bien-ban.txt" in response["Content-Disposition"]


@pytest.mark.django_db
def test_an_import_reads_its_upload_from_the_bucket(
        s3: Any, client: Any, coordinator: Any, settings: Any) -> None:
    settings.WEB_IMPORT_INLINE = True  # the worker's reading, here in the request
    client.force_login(coordinator)
    source = seed_path("004")
    response = client.post(reverse("web:import"), {
        "files": [SimpleUploadedFile(source.name, source.read_bytes())]})
    page = client.get(response["Location"])
    plan = Plan.objects.get()
    assert page["Location"] == reverse("web:plan-review", args=[plan.pk])
    plan_file = plan.files.get()
    stored = objects(s3)
    assert stored[plan_file.file.name] == source.read_bytes()
    assert not [key for key in stored if key.startswith("imports/")]  # the upload is gone
