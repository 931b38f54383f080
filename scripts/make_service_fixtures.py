"""Fixtures for the service tests (run with Debian's /usr/bin/python3, onnx 1.12).

unsupported_ops.onnx: input [-1, 4] -> Einsum -> TopK -> output; qforge's importer must reject
both op types at upload with one problem each.
"""
import onnx
from onnx import helper, TensorProto

x = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 4])
y = helper.make_tensor_value_info("values", TensorProto.FLOAT, ["batch", 2])
k = helper.make_tensor("k", TensorProto.INT64, [1], [2])
nodes = [
    helper.make_node("Einsum", ["input"], ["e"], name="einsum_0", equation="bi->bi"),
    helper.make_node("TopK", ["e", "k"], ["values", "indices"], name="topk_0"),
]
graph = helper.make_graph(nodes, "unsupported", [x], [y], initializer=[k])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="qforge-tests")
onnx.checker.check_model(model)
onnx.save(model, "src/test/resources/service/unsupported_ops.onnx")
