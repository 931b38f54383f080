import unittest

from qforge.sse import SseEvent, SseParser, parse


class SseTest(unittest.TestCase):
    def test_events_with_ids_types_and_json_data(self):
        raw = [b"id:5\n", b"event:PHASE\n", b'data:{"phase":"TRAINING"}\n', b"\n",
               b"id: 6\n", b"event: EPOCH\n", b'data: {"epoch":1}\n', b"\n"]
        self.assertEqual(list(parse(raw)), [SseEvent("5", "PHASE", '{"phase":"TRAINING"}'),
                                            SseEvent("6", "EPOCH", '{"epoch":1}')])

    def test_comments_are_keep_alives_not_events(self):
        self.assertEqual(list(parse([b":keep-alive\n", b"\n", b": another\n", b"\n"])), [])

    def test_data_lines_join_with_newlines_and_crlf_ends_lines(self):
        self.assertEqual(list(parse([b"data: a\r\n", b"data:b\r\n", b"\r\n"])), [SseEvent("", "message", "a\nb")])

    def test_last_id_carries_over_and_is_kept_for_reconnecting(self):
        parser = SseParser()
        events = list(parse([b"id: 7\n", b"data: x\n", b"\n", b"data: y\n", b"\n"], parser))
        self.assertEqual([e.id for e in events], ["7", "7"])
        self.assertEqual(parser.last_id, "7")

    def test_retry_sets_the_reconnection_delay(self):
        parser = SseParser()
        list(parse([b"retry: 2500\n", b"\n", b"retry: soon\n", b"\n"], parser))
        self.assertEqual(parser.retry_ms, 2500)

    def test_an_event_cut_off_by_a_dropped_connection_is_not_dispatched(self):
        parser = SseParser()
        events = list(parse([b"id: 1\n", b"data: whole\n", b"\n", b"id: 2\n", b"data: half\n", b"dat"], parser))
        self.assertEqual([e.data for e in events], ["whole"])
        self.assertEqual(parser.last_id, "1")  # event 2 never arrived whole: a reconnect asks for it again
        # the reconnect starts a fresh parse: the half event's data does not leak into the next one
        parser2 = SseParser(parser.last_id)
        self.assertEqual([e.data for e in parse([b"data: next\n", b"\n"], parser2)], ["next"])

    def test_an_event_without_a_final_blank_line_is_not_dispatched(self):
        self.assertEqual(list(parse([b"data: pending\n"])), [])


if __name__ == "__main__":
    unittest.main()
