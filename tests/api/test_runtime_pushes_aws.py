"""Pushes signed with AWS Signature Version 4: the signer against AWS's published vectors, then an end-of-shift push
whose request a local endpoint verifies as AWS would (the signed headers, the body's hash, the scope and the
signature recomputed from the secret access key); the secret is never shown and a dry run hides the signature."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

import pytest
import time_machine

from engineering_api.config import Settings
from engineering_api.runtime.outbound.aws_sigv4 import sign
from tests.api.runtime_pushes import PUSHES, Receiver, admin_key, list_deliveries, log_shift, push_body, resend_shift
from tools.bounds import until
from tests.conftest import assert_error, data, served

if TYPE_CHECKING:
    from pathlib import Path

# AWS's example credentials (Signature Version 4 test suite; "Authenticating Requests" examples of the S3 API)
SUITE_KEY, SUITE_SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SUITE_TIME = dt.datetime(2015, 8, 30, 12, 36, tzinfo=dt.UTC)
SECRET = "zQ9tR2wX7vB4nM8kL1pS6dF3gH5jK0aE"


@pytest.mark.parametrize(("url", "signature"), [
    # get-vanilla
    ("https://example.amazonaws.com/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
    # get-vanilla-query-order-key-case: parameters signed in sorted order
    ("https://example.amazonaws.com/?Param2=value2&Param1=value1",
     "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
])
def test_the_signer_matches_the_signature_v4_test_suite(url: str, signature: str) -> None:
    signed = sign("GET", url, {}, b"", access_key_id=SUITE_KEY, secret_access_key=SUITE_SECRET,
                  region="us-east-1", service="service", now=SUITE_TIME)
    assert signed["Authorization"] == ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                                       f"aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}")
    assert signed["X-Amz-Date"] == "20150830T123600Z" and signed["Host"] == "example.amazonaws.com"


def test_the_signer_matches_the_s3_get_object_example() -> None:
    signed = sign("GET", "https://examplebucket.s3.amazonaws.com/test.txt",
                  {"Range": "bytes=0-9", "x-amz-content-sha256": hashlib.sha256(b"").hexdigest()}, b"",
                  access_key_id="AKIAIOSFODNN7EXAMPLE", secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                  region="us-east-1", service="s3", now=dt.datetime(2013, 5, 24, tzinfo=dt.UTC))
    assert signed["Authorization"].endswith(
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")


def _verify(request: dict[str, Any], url: str) -> bool:
    """What AWS does with a request: recompute the signature over the headers it names, from the secret."""
    headers = {k.lower(): v for k, v in request["headers"].items()}
    found = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)/(\d{8})/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request, "
                         r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})", headers["authorization"])
    assert found is not None, headers["authorization"]
    key, _day, region, service, names, _signature = found.groups()
    when = dt.datetime.strptime(headers["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    kept = {name: headers[name] for name in names.split(";") if name not in ("host", "x-amz-date")}
    again = sign("POST", url, kept, request["body"].encode(), access_key_id=key, secret_access_key=SECRET,
                 region=region, service=service, now=when)
    return bool(again["Authorization"] == headers["authorization"])


def test_a_push_signed_for_aws_is_verified_by_the_endpoint(tmp_path: Path, receiver: Receiver) -> None:
    receiver.start()
    aws = {"url": receiver.url, "headers": {"X-Plant": "P1"}, "auth": {
        "type": "awsSigV4", "accessKeyId": "AKIAEXAMPLEPLANT01", "secretAccessKey": SECRET,
        "region": "eu-central-1", "service": "execute-api"}}
    with time_machine.travel(dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.UTC), tick=True):
        with served(Settings.from_env(data_dir=tmp_path)) as client:
            headers = admin_key(tmp_path)
            log_shift(client, headers)
            push = data(client.post(PUSHES, json=push_body(receiver.url, target=aws), headers=headers), 201)
            shown = client.get(f"{PUSHES}/{push['pushId']}", headers=headers).text
            assert SECRET not in shown and '"accessKeyId":"AKIAEXAMPLEPLANT01"' in shown
            dry = data(client.post(f"{PUSHES}/{push['pushId']}/dry-run", json={}, headers=headers))
            assert dry["headers"]["Authorization"].endswith("Signature=***") and SECRET not in json.dumps(dry)
            resend_shift(client, headers, push["pushId"])
            until(lambda: receiver.requests, "the signed push")
            request = receiver.requests[0]
            assert request["headers"]["Authorization"].startswith(
                "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEPLANT01/20260105/eu-central-1/execute-api/aws4_request, "
                "SignedHeaders=content-type;host;idempotency-key;x-amz-content-sha256;x-amz-date;x-plant, ")
            # Amazon S3 requires the body's hash as a header, signed (SigV4 for S3, "Common Request Headers")
            assert request["headers"]["X-Amz-Content-Sha256"] == hashlib.sha256(request["body"].encode()).hexdigest()
            assert _verify(request, receiver.url)
            tampered = {**request, "body": request["body"].replace("420", "421")}
            assert not _verify(tampered, receiver.url)
            assert until(lambda: [d for d in list_deliveries(client, headers, push["pushId"])
                                  if d["status"] == "delivered"], "the delivery")


@pytest.mark.parametrize(("auth", "url", "words"), [
    ({"type": "awsSigV4", "accessKeyId": "AKIAEXAMPLEPLANT01", "secretAccessKey": SECRET, "region": "eu-central-1"},
     "https://api.example.com/x", "needs accessKeyId, region and service"),
    ({"type": "awsSigV4", "accessKeyId": "AKIAEXAMPLEPLANT01", "region": "eu-central-1", "service": "execute-api"},
     "https://api.example.com/x", "secretAccessKey"),
    ({"type": "awsSigV4", "accessKeyId": "AKIAEXAMPLEPLANT01", "secretAccessKey": SECRET, "region": "eu-central-1",
      "service": "execute-api"}, "http://api.example.com/x", "https://"),
])
def test_aws_targets_that_cannot_work_are_refused(client: Any, admin_headers: dict[str, str], auth: dict[str, Any],
                                                 url: str, words: str) -> None:
    body = push_body(url, target={"url": url, "auth": auth}, template='{"end": "${periodEnd}"}')
    refused = client.post(PUSHES, json=body, headers=admin_headers)
    assert_error(refused, 422, "PUSH_TARGET_INVALID")
    assert words in refused.json()["message"], refused.json()
    assert data(client.get(PUSHES, headers=admin_headers)) == []
