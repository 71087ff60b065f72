"""Wrong answers to chapter 9's implement-it exercises, each with the message its hidden test gives."""

# The notebook's reference early_stop; each mistake below changes one line of it.
_EARLY_STOP = """def early_stop(val_losses, patience):
    best, best_epoch, waited = float("inf"), None, 0
    for epoch, loss in enumerate(val_losses, 1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch
    return best_epoch, None
"""


def _bug(line: str, wrong: str) -> str:
    assert _EARLY_STOP.count(line) == 1, line
    return _EARLY_STOP.replace(line, wrong)


# keeps going after the stop: the stop epoch is the first one, the best the last one
_NO_RETURN = (
    _bug("                return best_epoch, epoch\n", "                stop = stop or epoch\n")
    .replace('waited = float("inf"), None, 0\n', 'waited, stop = float("inf"), None, 0, None\n')
    .replace("    return best_epoch, None", "    return best_epoch, stop")
)

MISTAKES = {
    "ex1": [
        (
            _bug("waited == patience", "waited > patience"),
            "a later check lets the late improvements in",
        ),
        (_NO_RETURN, "a best epoch after the stop"),
        (_bug("enumerate(val_losses, 1)", "enumerate(val_losses)"), "count from 1, not 0"),
        (_bug("loss < best", "loss <= best"), "a loss *equal* to the best is not an improvement"),
        (
            _bug("best, best_epoch, waited = loss, epoch, 0", "best, best_epoch = loss, epoch"),
            "start again from 0",
        ),
        (_bug("waited == patience", "waited == patience - 1"), "one epoch early"),
        (_bug("return best_epoch, epoch\n", "return best_epoch, epoch + 1\n"), "one epoch late"),
        (
            _bug("return best_epoch, None", "return best_epoch, -1"),
            "returns None as its stop epoch, not -1",
        ),
        (
            _bug("return best_epoch, None", "return best_epoch, len(val_losses)"),
            "not its last epoch",
        ),
    ],
    "ex2": [
        ("def hflip(images):\n    return torch.flip(images, dims=[1])", "top to bottom"),
        ("def hflip(images):\n    return torch.fliplr(images)", "top to bottom"),
        ("def hflip(images):\n    return torch.flip(images, dims=[0])", "order of the images"),
        ("def hflip(images):\n    return torch.flip(images, dims=[1, 2])", "both ways"),
        ("def hflip(images):\n    return images.transpose(1, 2)", "transposes each image"),
        ("def hflip(images):\n    return images.clone()", "unchanged"),
        ("def hflip(images):\n    images[:] = images.flip(2)\n    return images", "in place"),
        (
            "def hflip(images):\n"
            "    for i in range(len(images)):\n"
            "        images[i] = images[i].flip(1)\n"
            "    return images",
            "in place",
        ),
    ],
}
