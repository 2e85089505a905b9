/*
 * aebook network engine: a small network of linear layers and element-wise activations, run in
 * the page on float16 weights. Shared by every widget that runs a model in the page (the latent
 * pad's decoder, the drawing pad's encoder, decoder and classifier); export.py writes the layers
 * and its forward() is this file in NumPy:
 *
 *   [{"kind": "linear", "shape": [out, in], "weight": "<base64>", "bias": "<base64>"},
 *    {"kind": "relu"}, {"kind": "leaky_relu", "slope": 0.1}, {"kind": "sigmoid"}, ...]
 *
 * Weights are float16, little-endian, base64; a linear layer's weight is row-major (out, in),
 * as torch stores it. aebookNet.load(layers) unpacks them once; aebookNet.forward(net, values)
 * computes the network's output for one input (an array of numbers).
 */
var aebookNet = window.aebookNet || (function () {
  "use strict";

  // One IEEE 754 half-precision number (16 bits) -> a JavaScript number.
  function halfToNumber(bits) {
    var sign = bits & 0x8000 ? -1 : 1;
    var exponent = (bits >> 10) & 0x1f;
    var fraction = bits & 0x3ff;
    if (exponent === 0) return sign * Math.pow(2, -14) * (fraction / 1024);  // subnormal
    if (exponent === 31) return fraction ? NaN : sign * Infinity;
    return sign * Math.pow(2, exponent - 15) * (1 + fraction / 1024);
  }

  // base64 of little-endian float16 values -> Float64Array.
  function unpack(text) {
    var binary = atob(text);
    var values = new Float64Array(binary.length / 2);
    for (var i = 0; i < values.length; i++) {
      values[i] = halfToNumber(binary.charCodeAt(2 * i) | (binary.charCodeAt(2 * i + 1) << 8));
    }
    return values;
  }

  // The exported layers -> the same layers with their weights unpacked.
  function load(layers) {
    return layers.map(function (layer) {
      if (layer.kind !== "linear") return layer;
      return {kind: "linear", rows: layer.shape[0], columns: layer.shape[1],
              weight: unpack(layer.weight), bias: unpack(layer.bias)};
    });
  }

  // One element-wise layer (export.ACTIVATIONS).
  function activate(kind, value, slope) {
    if (kind === "relu") return value > 0 ? value : 0;
    if (kind === "leaky_relu") return value > 0 ? value : slope * value;
    if (kind === "sigmoid") return 1 / (1 + Math.exp(-value));
    if (kind === "tanh") return Math.tanh(value);
    return value;  // identity
  }

  // A loaded network and one input -> its output, a Float64Array.
  function forward(net, input) {
    var values = Float64Array.from(input);
    net.forEach(function (layer) {
      if (layer.kind === "linear") {  // out = W v + b
        var out = new Float64Array(layer.rows);
        for (var i = 0; i < layer.rows; i++) {
          var sum = layer.bias[i], offset = i * layer.columns;
          for (var j = 0; j < layer.columns; j++) sum += layer.weight[offset + j] * values[j];
          out[i] = sum;
        }
        values = out;
      } else {
        for (var n = 0; n < values.length; n++) values[n] = activate(layer.kind, values[n], layer.slope);
      }
    });
    return values;
  }

  return {halfToNumber: halfToNumber, unpack: unpack, load: load, activate: activate,
          forward: forward};
})();
window.aebookNet = aebookNet;
