package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gocnn/gocnn/weights"
)

func init() {
	register(&command{name: "convert", short: "convert a PyTorch .pth/.pt state dict to safetensors", run: runConvert})
}

func runConvert(args []string) int {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	force := fs.Bool("f", false, "replace OUT if it exists")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: gocnn convert [-f] IN OUT.safetensors

Convert reads a PyTorch checkpoint (.pth or .pt, in torch.save's zip format
or the legacy format of torchvision's published VGG files) or a safetensors
file, and writes its state dict as safetensors: floating tensors as F32,
integer tensors (BatchNorm's num_batches_tracked) as I64, in the file's key
order. A training checkpoint's nested state dict ("state_dict", "model", ...)
is found, and DataParallel's "module." prefix removed. Loading never runs
code from the file: a pickle that would call anything but the tensor
constructors is refused.

The header metadata records the source: format=pt, gocnn.source (file
name), gocnn.source_format, and gocnn.root and gocnn.stripped_prefix when
they apply; a safetensors input's own metadata is kept. OUT is written
atomically and is not replaced unless -f is given.

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() != 2 {
		fmt.Fprint(os.Stderr, "usage: gocnn convert [-f] IN OUT.safetensors\nRun 'gocnn help convert' for details.\n")
		return 2
	}
	in, out := fs.Arg(0), fs.Arg(1)
	if !*force {
		if _, err := os.Stat(out); err == nil {
			return fail("convert", fmt.Errorf("%s already exists", out), "use -f to replace it")
		}
	}
	sd, err := weights.Load(in)
	if err != nil {
		return fail("convert", err, convertHint(err))
	}
	meta := map[string]string{}
	for k, v := range sd.Metadata {
		meta[k] = v
	}
	meta["format"] = "pt"
	meta["gocnn.source"] = filepath.Base(in)
	meta["gocnn.source_format"] = sd.Format
	if sd.Root != "" {
		meta["gocnn.root"] = sd.Root
	}
	if sd.StrippedPrefix != "" {
		meta["gocnn.stripped_prefix"] = sd.StrippedPrefix
	}
	sd.Metadata = meta
	if err := weights.SaveSafetensors(out, sd); err != nil {
		return fail("convert", err, "")
	}

	var bytes int64
	widened := map[string]int{}
	for _, k := range sd.Order {
		if t, ok := sd.Tensors[k]; ok {
			bytes += 4 * int64(t.Len())
		} else {
			bytes += 8 * int64(len(sd.Ints[k].Data))
		}
		if dt := sd.DTypes[k]; dt != "F32" && dt != "I64" {
			widened[dt]++
		}
	}
	size := fmt.Sprintf("%.1f MB", float64(bytes)/1e6)
	if bytes < 1e5 {
		size = fmt.Sprintf("%d bytes", bytes)
	}
	fmt.Printf("%s: %d tensors (%d float, %d integer), %s, from %s (%s)\n",
		out, sd.Len(), len(sd.Tensors), len(sd.Ints), size, in, sd.Format)
	if sd.Root != "" {
		fmt.Printf("state dict taken from %q\n", sd.Root)
	}
	if sd.StrippedPrefix != "" {
		fmt.Printf("removed the %q prefix from every key\n", sd.StrippedPrefix)
	}
	if len(widened) > 0 {
		var parts []string
		for dt, n := range widened {
			parts = append(parts, fmt.Sprintf("%d %s", n, dt))
		}
		sort.Strings(parts)
		fmt.Printf("widened: %s\n", strings.Join(parts, ", "))
	}
	return 0
}

// convertHint suggests what to do about a checkpoint that failed to load.
func convertHint(err error) string {
	var fe *weights.FormatError
	switch {
	case errors.Is(err, weights.ErrUnsafe) && strings.Contains(err.Error(), "global torch.nn."):
		return "the file holds a whole pickled model, not a state dict; in Python, re-save it with torch.save(model.state_dict(), path)"
	case errors.Is(err, weights.ErrUnsafe):
		return "the file holds more than tensors, and loading it would run code; if you trust it, load it in Python and re-save only the state dict: torch.save(model.state_dict(), path)"
	case errors.As(err, &fe):
		return "IN must be a PyTorch state dict (.pth/.pt from torch.save) or a safetensors file; a truncated download also ends up here"
	}
	return ""
}
