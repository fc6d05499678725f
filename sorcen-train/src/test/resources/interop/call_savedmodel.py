"""Calls one signature of a SavedModel with Python TensorFlow's own loader (interop check).

Usage: call_savedmodel.py DIR SIGNATURE OUT_DIR name:dtype:d0xd1:file ...
Every output is written to OUT_DIR/name.bin (little-endian), as SavedModelCall.java does. A string
input (a vector) is a file of records: uint32 little-endian length, then the bytes.
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

DTYPES = {"int64": np.int64, "int32": np.int32, "float32": np.float32, "bool": np.bool_, "uint8": np.uint8}


def read_strings(path, n):
    with open(path, "rb") as f:
        data = f.read()
    out, pos = [], 0
    for _ in range(n):
        size = int.from_bytes(data[pos:pos + 4], "little")
        out.append(data[pos + 4:pos + 4 + size])
        pos += 4 + size
    return out


def main(argv):
    model_dir, signature, out_dir = argv[1], argv[2], argv[3]
    inputs = {}
    for spec in argv[4:]:
        name, dtype, shape, path = spec.split(":")
        dims = [int(d) for d in shape.split("x")] if shape else []
        if dtype == "string":
            inputs[name] = tf.constant(read_strings(path, dims[0]), dtype=tf.string)
            continue
        raw = np.fromfile(path, dtype=np.uint8 if dtype == "bool" else DTYPES[dtype])
        inputs[name] = tf.constant(raw.astype(DTYPES[dtype]).reshape(dims))
    loaded = tf.saved_model.load(model_dir, tags=["serve"])
    outputs = loaded.signatures[signature](**inputs)
    for name, value in outputs.items():
        arr = value.numpy()
        arr.astype(arr.dtype.newbyteorder("<")).tofile(os.path.join(out_dir, name + ".bin"))


if __name__ == "__main__":
    main(sys.argv)
