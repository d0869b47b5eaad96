"""PyTorch peer of bench/engine.ts: trains a network for a time budget and prints one JSON line.

Usage: python3 bench/engine_torch.py SPEC_JSON BATCH SECONDS

SPEC_JSON describes the network exactly as bench/engine-models.ts does:
{"input": [H, W, C] or [N], "conv": [{"filters", "kernel", "pool", "padding", "bias"}],
 "dense": [units...], "outputs": n, "loss": "mse" | "crossentropy"}.
Training: He (Kaiming) normal weights, zero biases, Adam with learning rate 0.001,
1,800 fixed synthetic samples reshuffled every epoch, a new network every 3 epochs
(one instance), after WARMUP_SECONDS of untimed training. Runs on one thread:
ensembles use one process per core.
"""
import json
import resource
import sys
import time

import torch
from torch import nn

SAMPLES_PER_EPOCH = 1800
EPOCHS_PER_INSTANCE = 3
# Untimed training first, as bench/engine-worker.ts does (WARMUP_SECONDS there).
WARMUP_SECONDS = 3


def build(spec):
    layers = []
    conv_input = len(spec["input"]) == 3
    channels = spec["input"][2] if conv_input else None
    height = spec["input"][0] if conv_input else None
    width = spec["input"][1] if conv_input else None
    for conv in spec["conv"]:
        if conv["padding"] == "same" and conv["kernel"] % 2 == 0:
            # TensorFlow pads an even kernel more at the bottom and right, nn.Conv2d cannot.
            raise ValueError(f"Invalid kernel size {conv['kernel']} with 'same' padding: expected an odd size.")
        padding = conv["kernel"] // 2 if conv["padding"] == "same" else 0
        layers.append(nn.Conv2d(channels, conv["filters"], conv["kernel"], padding=padding, bias=conv["bias"]))
        layers.append(nn.ReLU())
        channels = conv["filters"]
        if conv["padding"] == "valid":
            height, width = height - conv["kernel"] + 1, width - conv["kernel"] + 1
        if conv["pool"] > 1:
            layers.append(nn.MaxPool2d(conv["pool"]))
            height, width = height // conv["pool"], width // conv["pool"]
    layers.append(nn.Flatten())
    features = channels * height * width if conv_input else spec["input"][0]
    for units in spec["dense"]:
        layers += [nn.Linear(features, units), nn.ReLU()]
        features = units
    layers.append(nn.Linear(features, spec["outputs"]))
    model = nn.Sequential(*layers)
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
            if module.bias is not None:
                nn.init.zeros_(module.bias)
    return model


def loaded_blas():
    """Names the BLAS library mapped into this process; Debian picks it through update-alternatives."""
    with open("/proc/self/maps") as maps:
        names = {line.split("/")[-1].strip() for line in maps if "blas" in line.lower()}
    return ", ".join(sorted(names)) or "none"


def main():
    spec = json.loads(sys.argv[1])
    batch = int(sys.argv[2])
    seconds = float(sys.argv[3])
    torch.set_num_threads(1)
    torch.manual_seed(1)

    conv_input = len(spec["input"]) == 3
    shape = [spec["input"][2], spec["input"][0], spec["input"][1]] if conv_input else spec["input"]
    x = torch.rand([SAMPLES_PER_EPOCH, *shape])
    if spec["loss"] == "mse":
        y = torch.rand([SAMPLES_PER_EPOCH, spec["outputs"]])
        loss_fn = nn.MSELoss()
    else:
        y = torch.randint(0, spec["outputs"], [SAMPLES_PER_EPOCH])
        loss_fn = nn.CrossEntropyLoss()

    parameters = sum(p.numel() for p in build(spec).parameters())
    train_for(spec, batch, WARMUP_SECONDS, x, y, loss_fn)
    trained, elapsed = train_for(spec, batch, seconds, x, y, loss_fn)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"samples": trained, "seconds": elapsed, "parameters": parameters, "maxRssMb": rss_mb,
                      "torch": torch.__version__, "blas": loaded_blas()}))


def train_for(spec, batch, seconds, x, y, loss_fn):
    """Trains instances until `seconds` have passed; returns the samples trained and the seconds taken."""
    trained = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        model = build(spec)
        optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
        for _ in range(EPOCHS_PER_INSTANCE):
            order = torch.randperm(SAMPLES_PER_EPOCH)
            for start in range(0, SAMPLES_PER_EPOCH, batch):
                index = order[start:start + batch]
                optimizer.zero_grad()
                loss = loss_fn(model(x[index]), y[index])
                loss.backward()
                optimizer.step()
                loss.item()
                trained += len(index)
                if time.perf_counter() - started >= seconds:
                    break
            if time.perf_counter() - started >= seconds:
                break
    return trained, time.perf_counter() - started


if __name__ == "__main__":
    main()
