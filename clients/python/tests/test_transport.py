import hashlib
import json
import os
import tempfile
import unittest

from qforge import ApiError, Client, IntegrityError, TransportError
from qforge.transport import retry_after_seconds

from stub_server import StubServer, answer, event_stream

JOB = "11111111-2222-3333-4444-555555555555"
PROBLEM = "application/problem+json"


def job(status, **more):
    return json.dumps(dict({"id": JOB, "status": status, "percent": 0}, **more))


class TransportTest(unittest.TestCase):
    def setUp(self):
        self.server = StubServer()
        self.waits = []
        self.client = Client(url=self.server.url, api_key="qf_test", max_retries=3)
        self.client.http._sleep = self.waits.append

    def tearDown(self):
        self.server.close()

    def test_429_and_503_are_retried_after_their_retry_after(self):
        self.server.on("GET", "/v1/jobs",
                       answer(429, '{"detail":"slow down"}', PROBLEM, {"Retry-After": "2"}),
                       answer(503, "", PROBLEM, {"Retry-After": "Thu, 01 Jan 1970 00:00:00 GMT"}),
                       answer(200, '{"items":[],"page":0,"size":20,"total":0}'))
        self.assertEqual(self.client.jobs()["total"], 0)
        self.assertEqual(self.waits, [2, 0])  # a date in the past: no wait

    def test_retries_end_with_the_last_problem(self):
        self.server.on("GET", "/v1/jobs", *[answer(429, '{"status":429,"title":"Too Many Requests","detail":"rate"}',
                                                   PROBLEM, {"Retry-After": "1"})] * 4)
        with self.assertRaises(ApiError) as e:
            self.client.jobs()
        self.assertEqual(e.exception.status, 429)
        self.assertEqual(self.waits, [1, 1, 1])

    def test_a_problem_becomes_an_error_with_its_detail_and_fields(self):
        body = {"type": "https://qforge.io/problems/validation", "title": "Validation failed", "status": 422,
                "detail": "The job was not queued: 1 problem(s)",
                "errors": [{"field": "spec.weightBits", "message": "must be from 2 to 8, got 9"}]}
        self.server.on("POST", "/v1/jobs", answer(422, json.dumps(body), PROBLEM))
        with self.assertRaises(ApiError) as e:
            self.client.submit("m", "d", weight_bits=9)
        self.assertEqual(str(e.exception), "The job was not queued: 1 problem(s)\n  spec.weightBits: must be from 2 to 8, got 9")
        sent = json.loads(self.server.requests[0][3])
        self.assertEqual(sent, {"modelId": "m", "datasetId": "d", "spec": {"weightBits": 9}})
        self.assertTrue(self.server.requests[0][2].get("Idempotency-Key"))

    def test_a_retried_submission_repeats_its_idempotency_key(self):
        self.server.on("POST", "/v1/jobs", answer(503, "", PROBLEM, {"Retry-After": "1"}), answer(202, job("QUEUED")))
        self.client.submit("m", "d")
        keys = [r[2].get("Idempotency-Key") for r in self.server.requests]
        self.assertEqual(len(keys), 2)
        self.assertEqual(keys[0], keys[1])

    def test_an_unreachable_service_is_a_transport_error_after_retries(self):
        self.server.close()
        with self.assertRaises(TransportError):
            self.client.jobs()
        self.assertEqual(self.waits, [1, 2, 4])

    def test_an_upload_is_not_repeated_when_its_answer_is_lost(self):
        self.server.close()
        with tempfile.NamedTemporaryFile(suffix=".onnx") as f:
            with self.assertRaises(TransportError):
                self.client.upload_model(f.name)
        self.assertEqual(self.waits, [])

    def test_an_upload_retried_after_429_sends_the_whole_file_again(self):
        with tempfile.NamedTemporaryFile(suffix=".onnx") as f:
            f.write(os.urandom(200_000))
            f.flush()
            self.server.on("POST", "/v1/models", answer(429, "{}", PROBLEM, {"Retry-After": "3"}),
                           answer(201, '{"id":"m1"}'))
            self.assertEqual(self.client.upload_model(f.name)["id"], "m1")
        bodies = [r[3] for r in self.server.requests]
        self.assertEqual(len(bodies), 2)
        self.assertEqual(bodies[0], bodies[1])
        self.assertGreater(len(bodies[0]), 200_000)

    def test_job_polls_send_the_etag_and_a_304_keeps_the_last_answer(self):
        self.server.on("GET", "/v1/jobs/" + JOB, answer(200, job("RUNNING", percent=12.5), headers={"ETag": 'W/"a"'}),
                       answer(304, "", headers={"ETag": 'W/"a"'}))
        self.assertEqual(self.client.job(JOB)["percent"], 12.5)
        self.assertEqual(self.client.job(JOB)["percent"], 12.5)
        self.assertEqual(self.server.requests[1][2].get("If-None-Match"), 'W/"a"')

    def test_a_dropped_event_stream_resumes_after_the_last_event_id(self):
        path = "/v1/jobs/%s/events" % JOB
        self.server.on("GET", path, event_stream((1, "SUBMITTED", "{}"), (2, "PHASE", '{"phase":"TRAINING"}'), drop=True),
                       event_stream((3, "SUCCEEDED", '{"artifacts":[]}')))
        self.server.on("GET", "/v1/jobs/" + JOB, answer(200, job("RUNNING")), answer(200, job("SUCCEEDED")))
        self.server.on("GET", path, answer(200, "[]"))
        events = list(self.client.stream_events(JOB, reconnect_delay=0))
        self.assertEqual([(e.id, e.type) for e in events], [(1, "SUBMITTED"), (2, "PHASE"), (3, "SUCCEEDED")])
        self.assertEqual(events[1].data, {"phase": "TRAINING"})
        streams = [r for r in self.server.requests if r[1] == path]
        self.assertNotIn("Last-Event-ID", streams[0][2])
        self.assertEqual(streams[1][2].get("Last-Event-ID"), "2")
        self.assertEqual(self.server.requests[-1][1], path + "?after=3&limit=1000")

    def test_a_download_is_kept_only_when_its_sha256_matches(self):
        content = os.urandom(5000)
        sha = hashlib.sha256(content).hexdigest()
        listing = json.dumps([{"name": "model.int8.onnx", "size": len(content), "sha256": sha,
                               "href": "/v1/jobs/%s/artifacts/model.int8.onnx" % JOB}])
        art = "/v1/jobs/%s/artifacts" % JOB
        self.server.on("GET", art, answer(200, listing), answer(200, listing))
        self.server.on("GET", art + "/model.int8.onnx",
                       answer(200, content, "application/octet-stream", {"ETag": '"%s"' % sha}),
                       answer(200, content[:-1] + b"\0", "application/octet-stream", {"ETag": '"%s"' % sha}))
        with tempfile.TemporaryDirectory() as d:
            good = os.path.join(d, "good.onnx")
            self.assertEqual(self.client.download(JOB, path=good), sha)
            with open(good, "rb") as f:
                self.assertEqual(f.read(), content)
            bad = os.path.join(d, "bad.onnx")
            with self.assertRaises(IntegrityError):
                self.client.download(JOB, path=bad)
            self.assertEqual(sorted(os.listdir(d)), ["good.onnx"])


class RetryAfterTest(unittest.TestCase):
    def test_seconds_and_dates(self):
        self.assertEqual(retry_after_seconds("30"), 30)
        self.assertEqual(retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0), 10)
        self.assertIsNone(retry_after_seconds("soon"))
        self.assertIsNone(retry_after_seconds(None))


if __name__ == "__main__":
    unittest.main()
