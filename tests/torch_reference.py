#!/usr/bin/python3
"""PyTorch side of TorchReferenceTest.

Usage: torch_reference.py DIR

Reads DIR/case.json, written by the C++ test:
  layers     [{"kind", "attrs" (dlab settings as text), "input" (per-sample shape)}]
  params     [{"name": "3.weight", "shape", "values", "decay"}] in dlab's order; the
             number is the layer's position counting from 1
  buffers    [{"name": "2.running_mean", "shape", "values"}]
  optimizer  {"kind", "lr", "momentum", "beta1", "beta2", "eps", "weight_decay"}
  steps, batch, inputs {"shape": (steps*batch, ...), "values"}, labels (steps*batch,)

Builds the same model in torch.nn (float32), loads those values, runs `steps` steps of
cross-entropy + backward + optimizer step, one batch each, and writes DIR/result.json:
  losses       the loss of each step
  grads        {name: values} of the last step, before its optimizer step
  weights      {name: values} after the last step
  buffers      {name: values} after the last step
  eval_output  logits of the first batch in eval mode after training
"""

import json
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402

# dlab's parameter names for torch's, per module type (BatchNorm's weight is gamma).
DLAB_NAMES = {"weight": "weight", "bias": "bias"}
BN_NAMES = {"weight": "gamma", "bias": "beta"}


def as_bool(text):
    return str(text).lower() in ("1", "true", "yes", "on")


def build_layer(layer):
    kind = layer["kind"]
    attrs = layer["attrs"]
    shape = layer["input"]
    if kind == "flatten":
        return torch.nn.Flatten()
    if kind == "dense":
        in_features = 1
        for d in shape:
            in_features *= d
        return torch.nn.Linear(in_features, int(float(attrs["units"])),
                               bias=as_bool(attrs.get("bias", "true")))
    if kind == "conv2d":
        return torch.nn.Conv2d(shape[0], int(float(attrs["filters"])),
                               int(float(attrs.get("kernel", 3))),
                               stride=int(float(attrs.get("stride", 1))),
                               padding=int(float(attrs.get("padding", 0))),
                               bias=as_bool(attrs.get("bias", "true")))
    if kind in ("batchnorm2d", "batchnorm1d"):
        cls = torch.nn.BatchNorm2d if kind == "batchnorm2d" else torch.nn.BatchNorm1d
        return cls(shape[0], eps=float(attrs.get("eps", 1e-5)),
                   momentum=float(attrs.get("momentum", 0.1)))
    if kind in ("maxpool2d", "avgpool2d"):
        kernel = int(float(attrs.get("kernel", 2)))
        stride = int(float(attrs.get("stride", 0))) or kernel
        padding = int(float(attrs.get("padding", 0)))
        if kind == "maxpool2d":
            return torch.nn.MaxPool2d(kernel, stride, padding)
        return torch.nn.AvgPool2d(kernel, stride, padding, count_include_pad=True)
    activations = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}
    if kind in activations:
        return activations[kind]()
    raise ValueError(f"torch_reference.py: no torch equivalent for layer kind '{kind}'")


def dlab_name(index, module, torch_name):
    is_bn = isinstance(module, torch.nn.modules.batchnorm._BatchNorm)
    table = BN_NAMES if is_bn else DLAB_NAMES
    return f"{index + 1}.{table.get(torch_name, torch_name)}"


def tensor_of(entry):
    return torch.tensor(entry["values"], dtype=torch.float32).reshape(entry["shape"])


def make_optimizer(config, model, decay_of):
    kind = config["kind"]
    lr = config["lr"]
    wd = config["weight_decay"]
    named = [(dlab_name(i, m, n), p) for i, m in enumerate(model)
             for n, p in m.named_parameters(recurse=False)]
    # dlab applies weight decay only to parameters marked `decay` (not biases, not
    # normalization scales); torch does it per parameter group.
    groups = [{"params": [p for name, p in named if decay_of[name]], "weight_decay": wd},
              {"params": [p for name, p in named if not decay_of[name]], "weight_decay": 0.0}]
    groups = [g for g in groups if g["params"]]
    betas = (config["beta1"], config["beta2"])
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=lr)
    if kind in ("momentum", "nesterov"):
        return torch.optim.SGD(groups, lr=lr, momentum=config["momentum"],
                               nesterov=kind == "nesterov")
    if kind == "adam":
        return torch.optim.Adam(groups, lr=lr, betas=betas, eps=config["eps"])
    if kind == "adamw":
        return torch.optim.AdamW(groups, lr=lr, betas=betas, eps=config["eps"])
    raise ValueError(f"torch_reference.py: optimizer '{kind}' is not compared")


def main(folder):
    torch.set_num_threads(1)
    with open(os.path.join(folder, "case.json")) as f:
        case = json.load(f)

    model = torch.nn.Sequential(*[build_layer(layer) for layer in case["layers"]])
    params = {p["name"]: p for p in case["params"]}
    buffers = {b["name"]: b for b in case["buffers"]}
    loaded = set()
    with torch.no_grad():
        for i, module in enumerate(model):
            for n, p in module.named_parameters(recurse=False):
                name = dlab_name(i, module, n)
                p.copy_(tensor_of(params[name]))
                loaded.add(name)
            for n, b in module.named_buffers(recurse=False):
                name = dlab_name(i, module, n)
                if name in buffers:
                    b.copy_(tensor_of(buffers[name]))
                    loaded.add(name)
    missing = (set(params) | set(buffers)) - loaded
    if missing:
        raise ValueError(f"torch_reference.py: no torch tensor for {sorted(missing)}")

    decay_of = {name: p["decay"] for name, p in params.items()}
    optimizer = make_optimizer(case["optimizer"], model, decay_of)
    inputs = tensor_of(case["inputs"])
    labels = torch.tensor(case["labels"], dtype=torch.float32).long()
    batch = case["batch"]
    named = [(dlab_name(i, m, n), p) for i, m in enumerate(model)
             for n, p in m.named_parameters(recurse=False)]

    losses = []
    grads = {}
    model.train()
    for step in range(case["steps"]):
        x = inputs[step * batch:(step + 1) * batch]
        y = labels[step * batch:(step + 1) * batch]
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        losses.append(loss.item())
        grads = {name: p.grad.reshape(-1).tolist() for name, p in named}
        optimizer.step()

    model.eval()
    with torch.no_grad():
        eval_output = model(inputs[:batch]).reshape(-1).tolist()
    result = {
        "torch": torch.__version__,
        "losses": losses,
        "grads": grads,
        "weights": {name: p.detach().reshape(-1).tolist() for name, p in named},
        "buffers": {dlab_name(i, m, n): b.reshape(-1).tolist() for i, m in enumerate(model)
                    for n, b in m.named_buffers(recurse=False) if n != "num_batches_tracked"},
        "eval_output": eval_output,
    }
    with open(os.path.join(folder, "result.json"), "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: torch_reference.py DIR (a folder holding case.json)")
    main(sys.argv[1])
