package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/gocnn/gocnn/data"
)

func init() {
	register(&command{name: "doctor", short: "diagnose a dataset: imbalance, unreadable files, label conflicts, leakage", run: runDoctor})
}

func runDoctor(args []string) int {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	dir := fs.String("data", "", "training data: a folder of class folders, or a CSV manifest (path,label)")
	test := fs.String("test", "", "test data, checked for leakage from the training data")
	asJSON := fs.Bool("json", false, "print one JSON document instead of text")
	strict := fs.Bool("strict", false, "exit with status 1 on label conflicts or unreadable files")
	workers := fs.Int("workers", 0, "decoding goroutines (0: one per CPU)")
	near := fs.Int("near", 0, "largest perceptual-hash distance of a near-duplicate (0: default 8)")
	list := fs.Int("list", 0, "files listed per finding (0: default 50)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: gocnn doctor -data DIR [-test DIR] [-json] [-strict]

Doctor reads every image of a dataset and reports what makes a model
collapse or mislead: images per class and the imbalance ratio, with what
'gocnn train -imbalance auto' will do about it (pos_weight or class
weights); unreadable or truncated files with the decoder's error; exact
duplicates and near-duplicates (perceptual hash, robust to re-encoding and
resizing) filed under different classes, likely label errors; blank, tiny
and extremely elongated images; mixed channel layouts; per-channel mean and
standard deviation against the ImageNet normalisation of pretrained VGG16;
and, with -test, test images that also appear in the training data.

DIR holds one folder per class (DIR/<class>/**/*.jpg|png|gif|bmp|webp|tiff),
or is a CSV manifest of path,label lines. A progress bar is drawn on
standard error when it is a terminal.

Exit status: 0, or 1 with -strict when it finds label conflicts or
unreadable files; 2 for bad usage.

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *dir == "" || fs.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gocnn doctor -data DIR [-test DIR] [-json] [-strict]\nRun 'gocnn doctor -h' for details.")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opt := data.DiagnoseOptions{Workers: *workers, NearDistance: *near, MaxListed: *list}
	bar := newProgressBar(os.Stderr)
	if bar != nil {
		opt.Progress = bar.update
	}
	r, err := diagnose(ctx, *dir, *test, opt)
	bar.finish()
	if err != nil {
		hint := "-data takes a folder with one sub-folder per class (DIR/<class>/<image>) or a CSV manifest of path,label lines"
		if errors.Is(err, context.Canceled) {
			hint = ""
		}
		return fail("doctor", err, hint)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return fail("doctor", err, "")
		}
	} else if err := r.WriteText(os.Stdout); err != nil {
		return fail("doctor", err, "")
	}
	if *strict && r.Strict() {
		return 1
	}
	return 0
}

// diagnose opens folders with data.Diagnose and manifests (*.csv) with
// data.ReadManifest.
func diagnose(ctx context.Context, dir, test string, opt data.DiagnoseOptions) (*data.Report, error) {
	isCSV := func(p string) bool { return strings.EqualFold(filepath.Ext(p), ".csv") }
	if !isCSV(dir) && (test == "" || !isCSV(test)) {
		return data.Diagnose(ctx, dir, test, opt)
	}
	open := func(p string) (data.Dataset, error) {
		if isCSV(p) {
			return data.ReadManifest(p)
		}
		return data.ImageFolder(p)
	}
	ds, err := open(dir)
	if err != nil {
		return nil, err
	}
	var td data.Dataset
	if test != "" {
		if td, err = open(test); err != nil {
			return nil, err
		}
	}
	r, err := data.DiagnoseDataset(ctx, ds, td, opt)
	if err != nil {
		return nil, err
	}
	r.Root, r.TestRoot = filepath.Dir(dir), ""
	if test != "" {
		r.TestRoot = filepath.Dir(test)
	}
	return r, nil
}

// progressBar draws "doctor [=====>    ] 1234/5000 images, 820/s" on a
// terminal, redrawing in place.
type progressBar struct {
	f     *os.File
	start time.Time
	drawn bool
}

// newProgressBar returns a bar on f, or nil when f is not a terminal.
func newProgressBar(f *os.File) *progressBar {
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return &progressBar{f: f, start: time.Now()}
}

func (b *progressBar) update(done, total int) {
	const width = 30
	frac := 1.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	n := int(frac * width)
	rate := float64(done) / max(time.Since(b.start).Seconds(), 1e-9)
	fmt.Fprintf(b.f, "\rdoctor [%s%s] %d/%d images, %.0f/s ", strings.Repeat("=", n), strings.Repeat(" ", width-n), done, total, rate)
	b.drawn = true
}

func (b *progressBar) finish() {
	if b != nil && b.drawn {
		fmt.Fprint(b.f, "\r\033[K")
	}
}
