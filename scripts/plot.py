#!/usr/bin/env python3
"""Redraw SpinODE figures as PNG with matplotlib.

`spinode demo` writes each figure as SVG (drawn by the toolkit itself) and its data as CSV beside it;
this script draws the same figure from the CSV as PNG (same name, .png), for viewers and documents that
prefer bitmaps. Needs only matplotlib (and numpy, which it brings).

CSV layout (written by the Plot module's LinePlot.csv()):
    # title: ...                 # xlabel: ...                # ylabel: ...
    # xscale: linear|logarithmic # yscale: linear|logarithmic
    # xrange: LOWER UPPER        # yrange: LOWER UPPER        (only when fixed)
    # style: NAME,COLOUR,solid|dashed,line|markers             (one per series)
    series,x,y
    NAME,X,Y                     one row per point, series after series

A figure of several panels (spinode predict/fit/reservoir/simulate --plot; the Plot module's
PanelFigure.csv()) starts with "# panels: N" and holds one such block per panel, each after a line
"# panel: K"; it is drawn as N subplots stacked top to bottom.

Usage: python3 scripts/plot.py out/demo/*.csv [--dpi 150]
       python3 scripts/plot.py figure.csv --out figure.png
"""
import argparse
import csv
import os
import sys


def read_panels(path):
    """The panels of one figure CSV, each as read_panel gives it."""
    with open(path, newline="", encoding="utf-8") as f:
        lines = f.read().splitlines()
    if not lines or not lines[0].startswith("# panels:"):
        return [read_panel(lines, path)]
    blocks = []
    for line in lines[1:]:
        if line.startswith("# panel:"):
            blocks.append([])
        elif blocks:
            blocks[-1].append(line)
    if len(blocks) != int(lines[0].partition(":")[2]):
        raise ValueError(f"{path}: {lines[0]} but {len(blocks)} panel blocks")
    return [read_panel(block, path) for block in blocks]


def read_panel(lines, path):
    """Settings (dict), styles and series (list of (name, xs, ys)) of one panel's CSV lines."""
    settings, styles = {}, {}
    body = []
    for line in lines:
        if line.startswith("# ") and ":" in line and not body:
            key, _, value = line[2:].partition(":")
            if key.strip() == "style":
                name, colour, dash, kind = next(csv.reader([value.strip()]))
                styles[name] = (colour, dash == "dashed", kind == "markers")
            else:
                settings[key.strip()] = value.strip()
        else:
            body.append(line)
    reader = csv.reader(body)
    header = next(reader, None)
    if header != ["series", "x", "y"]:
        raise ValueError(f"{path}: expected the header 'series,x,y', found {header}")
    series, index = [], {}
    for row in reader:
        if not row:
            continue
        name, x, y = row[0], float(row[1]), float(row[2])
        if name not in index:
            index[name] = len(series)
            series.append((name, [], []))
        series[index[name]][1].append(x)
        series[index[name]][2].append(y)
    return settings, styles, series


def draw(path, dpi, out=None):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = read_panels(path)
    fig, axes = plt.subplots(len(panels), 1, figsize=(7.6, 4.4 * len(panels)), squeeze=False)
    for (settings, styles, series), ax in zip(panels, axes[:, 0]):
        draw_panel(ax, settings, styles, series)
    fig.tight_layout()
    out = out or os.path.splitext(path)[0] + ".png"
    fig.savefig(out, dpi=dpi, format="png")
    plt.close(fig)
    return out


def draw_panel(ax, settings, styles, series):
    """One panel (a LinePlot's CSV) onto matplotlib axes."""
    for name, xs, ys in series:
        colour, dashed, markers = styles.get(name, (None, False, False))
        ax.plot(xs, ys, label=name, color=colour, linewidth=1.2, linestyle="--" if dashed else "-",
                marker="o" if markers else None, markersize=3)
    if settings.get("xscale") == "logarithmic":
        ax.set_xscale("log")
    if settings.get("yscale") == "logarithmic":
        ax.set_yscale("log")
    for axis in ("x", "y"):
        if f"{axis}range" in settings:
            lower, upper = (float(v) for v in settings[f"{axis}range"].split())
            (ax.set_xlim if axis == "x" else ax.set_ylim)(lower, upper)
    if "xrange" in settings and "yrange" not in settings:
        # As the SVG does: fit the y range to the points inside the fixed x range.
        import math
        lower, upper = (float(v) for v in settings["xrange"].split())
        log = settings.get("yscale") == "logarithmic"
        visible = [y for _, xs, ys in series for x, y in zip(xs, ys)
                   if lower <= x <= upper and math.isfinite(y) and (y > 0 or not log)]
        if visible:
            if log:
                ax.set_ylim(10 ** math.floor(math.log10(min(visible))), 10 ** math.ceil(math.log10(max(visible))))
            else:
                pad = 0.05 * (max(visible) - min(visible)) or 1e-12
                ax.set_ylim(min(visible) - pad, max(visible) + pad)
    ax.set_xlabel(settings.get("xlabel", ""))
    ax.set_ylabel(settings.get("ylabel", ""))
    ax.set_title(settings.get("title", ""), fontsize=11)
    ax.grid(True, color="#e3e3e3")
    ax.legend(loc="best", fontsize=9)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", nargs="+", help="figure CSV files written by spinode (demo, or the CSV of a --plot figure)")
    parser.add_argument("--dpi", type=int, default=150, help="PNG resolution (default 150)")
    parser.add_argument("--out", help="PNG file to write (one CSV only; default: the CSV's name with .png)")
    args = parser.parse_args()
    if args.out and len(args.csv) != 1:
        parser.error("--out needs exactly one CSV file")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("scripts/plot.py: matplotlib is not installed (pip install matplotlib); the SVGs are unaffected",
              file=sys.stderr)
        return 1
    for path in args.csv:
        try:
            print(f"plot.py: {draw(path, args.dpi, args.out)}", file=sys.stderr)
        except (OSError, ValueError) as error:
            print(f"plot.py: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
