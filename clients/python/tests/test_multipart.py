import email.parser
import email.policy
import os
import tempfile
import unittest

from qforge.multipart import CHUNK_SIZE, MultipartFile


def parse(body, content_type):
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    return {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}


class MultipartTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "model.onnx")
        self.data = os.urandom(3 * CHUNK_SIZE + 1234)
        with open(self.path, "wb") as f:
            f.write(self.data)

    def tearDown(self):
        self.dir.cleanup()

    def test_body_is_a_multipart_form_with_the_file_and_the_name_field(self):
        body = MultipartFile(self.path, fields={"name": "my model"})
        raw = b"".join(body.chunks())
        self.assertEqual(len(body), len(raw))
        parts = parse(raw, body.content_type)
        self.assertEqual(set(parts), {"file", "name"})
        self.assertEqual(parts["file"].get_filename(), "model.onnx")
        self.assertEqual(parts["file"].get_content_type(), "application/octet-stream")
        self.assertEqual(parts["file"].get_payload(decode=True), self.data)
        self.assertEqual(parts["name"].get_payload(), "my model")

    def test_file_is_streamed_in_chunks_not_read_whole(self):
        body = MultipartFile(self.path)
        sizes = [len(c) for c in body.chunks()]
        self.assertGreaterEqual(len(sizes), 5)  # head, 4 file pieces, tail
        self.assertLessEqual(max(sizes), CHUNK_SIZE)

    def test_progress_reaches_the_whole_length(self):
        body = MultipartFile(self.path)
        seen = []
        for _ in body.chunks(on_progress=lambda sent, total: seen.append((sent, total))):
            pass
        self.assertEqual(seen[-1], (len(body), len(body)))
        self.assertEqual([s for s, _ in seen], sorted(s for s, _ in seen))

    def test_absent_fields_are_left_out(self):
        body = MultipartFile(self.path, fields={"name": None})
        self.assertEqual(set(parse(b"".join(body.chunks()), body.content_type)), {"file"})

    def test_quotes_and_line_breaks_in_the_file_name_cannot_break_the_header(self):
        body = MultipartFile(self.path, filename='a"b\r\nX-Evil: 1.onnx')
        head = next(body.chunks())
        self.assertIn(b'filename="a%22b%0D%0AX-Evil: 1.onnx"', head)
        self.assertNotIn(b"\r\nX-Evil", head)

    def test_a_file_that_changes_size_while_sent_is_an_error(self):
        body = MultipartFile(self.path)
        with open(self.path, "ab") as f:
            f.write(b"more")
        with self.assertRaises(OSError):
            b"".join(body.chunks())


if __name__ == "__main__":
    unittest.main()
