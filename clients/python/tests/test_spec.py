import unittest

from qforge import spec
from qforge.cli import build_parser, spec_from_args


class SpecTest(unittest.TestCase):
    def test_snake_and_camel_names_build_the_api_spec(self):
        self.assertEqual(spec.build(weight_bits=4, learningRate=0.01, seed=None),
                         {"weightBits": 4, "learningRate": 0.01})
        self.assertEqual(spec.build({"epochs": 1}, batch_size=32), {"epochs": 1, "batchSize": 32})

    def test_an_unknown_field_names_the_known_ones(self):
        with self.assertRaises(TypeError) as e:
            spec.build(weight_bit=4)
        self.assertIn("'weight_bit'", str(e.exception))
        self.assertIn("weightBits", str(e.exception))

    def test_option_names_are_the_api_names_in_kebab_case(self):
        self.assertEqual(spec.kebab("freezeBatchNormAfterEpoch"), "freeze-batch-norm-after-epoch")
        self.assertEqual(spec.snake("weightBits"), "weight_bits")

    def test_every_field_is_a_quantize_option(self):
        values = {"integer": "3", "number": "0.5"}
        argv = ["quantize", "m.onnx", "d.npz"]
        expected = {}
        for f in spec.FIELDS:
            if f.type == "boolean":
                argv.append("--" + spec.kebab(f.name))
                expected[f.name] = True
            elif f.choices:
                argv += ["--" + spec.kebab(f.name), f.choices[-1].lower()]
                expected[f.name] = f.choices[-1]
            else:
                argv += ["--" + spec.kebab(f.name), values[f.type]]
                expected[f.name] = int(values[f.type]) if f.type == "integer" else float(values[f.type])
        self.assertEqual(spec_from_args(build_parser().parse_args(argv)), expected)

    def test_options_not_given_are_left_to_the_service(self):
        args = build_parser().parse_args(["quantize", "m.onnx", "d.npz", "--no-learned-ranges"])
        self.assertEqual(spec_from_args(args), {"learnedRanges": False})


if __name__ == "__main__":
    unittest.main()
