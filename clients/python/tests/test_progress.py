import io
import unittest

from qforge.progress import ProgressBar, bar, describe, format_duration

RUNNING = {"status": "RUNNING", "phase": "TRAINING", "epoch": 2, "totalEpochs": 3, "step": 10,
           "stepsPerEpoch": 40, "percent": 45.0, "etaSeconds": 75}


class ProgressTest(unittest.TestCase):
    def test_bar_fills_with_the_percent(self):
        self.assertEqual(bar(0, 10), "[>         ]")
        self.assertEqual(bar(50, 10), "[=====>    ]")
        self.assertEqual(bar(100, 10), "[==========]")
        self.assertEqual(bar(250, 10), bar(100, 10))
        self.assertEqual(bar(-5, 10), bar(0, 10))

    def test_describe_names_phase_epoch_step_and_eta(self):
        self.assertEqual(describe(RUNNING), "TRAINING epoch 2/3 step 10/40 ETA 1:15")
        self.assertEqual(describe({"status": "QUEUED", "percent": 0}), "QUEUED")
        self.assertEqual(describe(dict(RUNNING, cancelRequested=True, etaSeconds=None)),
                         "TRAINING epoch 2/3 step 10/40 cancelling")

    def test_epoch_and_step_are_shown_while_training_only(self):
        self.assertEqual(describe(dict(RUNNING, phase="EVALUATING", etaSeconds=None)), "EVALUATING")

    def test_durations(self):
        self.assertEqual(format_duration(5), "0:05")
        self.assertEqual(format_duration(3725), "1:02:05")

    def test_terminal_redraws_one_line_and_pads_over_a_longer_one(self):
        out = io.StringIO()
        p = ProgressBar(out, tty=True, width=10)
        p.update(RUNNING)
        first = out.getvalue()
        self.assertTrue(first.startswith("\r[====>     ]  45.0% TRAINING"))
        p.update({"status": "SUCCEEDED", "percent": 100.0})
        second = out.getvalue()[len(first):]
        self.assertTrue(second.startswith("\r[==========] 100.0% SUCCEEDED"))
        self.assertEqual(len(second), len(first))  # padded with spaces over the longer line
        p.close()
        self.assertTrue(out.getvalue().endswith("\n"))
        self.assertNotIn("\n", out.getvalue()[:-1])

    def test_message_clears_the_bar_prints_and_redraws(self):
        out = io.StringIO()
        p = ProgressBar(out, tty=True, width=10)
        p.update(RUNNING)
        before = len(out.getvalue())
        p.message("epoch 2/3: train_loss 0.1")
        after = out.getvalue()[before:]
        self.assertTrue(after.startswith("\r" + " " * (before - 1) + "\repoch 2/3: train_loss 0.1\n\r[====>"))

    def test_a_log_gets_a_line_per_phase_epoch_or_ten_percent_without_carriage_returns(self):
        out = io.StringIO()
        p = ProgressBar(out, tty=False, width=10)
        p.update(RUNNING)
        p.update(dict(RUNNING, step=11, percent=46.0))  # same phase, epoch, tens of percent: no line
        p.update(dict(RUNNING, step=30, percent=51.0))  # next ten percent
        p.update(dict(RUNNING, phase="CONVERTING", percent=51.0))
        p.close()
        lines = out.getvalue().splitlines()
        self.assertEqual(len(lines), 3)
        self.assertNotIn("\r", out.getvalue())
        self.assertIn("CONVERTING", lines[2])


if __name__ == "__main__":
    unittest.main()
