// This file defines the doctor's Report (also its JSON document), the
// findings drawn from it, and its human-readable text.

package data

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"
)

// Report is the data doctor's diagnosis of a dataset. The trainer keeps it
// to explain a collapsing model (label conflicts, imbalance, statistics far
// from the normalisation in use).
type Report struct {
	Root     string      `json:"root,omitempty"`
	TestRoot string      `json:"test_root,omitempty"`
	Classes  []ClassStat `json:"classes"`
	Total    int         `json:"total"`    // samples found
	Readable int         `json:"readable"` // decoded
	// Imbalance is what the trainer's "-imbalance auto" will do, from the
	// readable counts.
	Imbalance       ImbalancePlan  `json:"imbalance"`
	Unreadable      []Issue        `json:"unreadable"`
	ExactDuplicates []DupGroup     `json:"exact_duplicates"` // identical content; Conflict when the classes differ
	NearConflicts   []DupGroup     `json:"near_conflicts"`   // perceptual near-duplicates under different classes
	LabelConflicts  int            `json:"label_conflicts"`  // conflicting exact groups + near conflicts
	Blank           []Issue        `json:"blank"`
	Tiny            []Issue        `json:"tiny"`
	ExtremeAspect   []Issue        `json:"extreme_aspect"`
	Modes           map[string]int `json:"modes"`   // "gray", "rgb", "rgba", ...: images per channel layout
	Formats         map[string]int `json:"formats"` // "jpeg", "png", ...
	MinW            int            `json:"min_width"`
	MinH            int            `json:"min_height"`
	MaxW            int            `json:"max_width"`
	MaxH            int            `json:"max_height"`
	// Mean and Std are per channel over all readable pixels in [0, 1]
	// (one channel when every image is grayscale, else three, grayscale
	// images counting in each).
	Mean            []float64    `json:"mean"`
	Std             []float64    `json:"std"`
	FarFromImageNet bool         `json:"far_from_imagenet"`
	Normalization   string       `json:"normalization"`
	Test            *TestSummary `json:"test,omitempty"`
	Leakage         *Leakage     `json:"leakage,omitempty"`
	Warnings        []string     `json:"warnings"` // from the folder scan
	Findings        []Finding    `json:"findings"` // the summary, most severe first
	Seconds         float64      `json:"seconds"`
	maxListed       int
}

// ClassStat counts one class's samples.
type ClassStat struct {
	Name       string `json:"name"`
	Files      int    `json:"files"`
	Count      int    `json:"count"` // readable
	Unreadable int    `json:"unreadable"`
}

// FileRef names a sample and its class.
type FileRef struct {
	Path  string `json:"path"`
	Class string `json:"class"`
}

// Issue is a sample with a problem, and what it is.
type Issue struct {
	FileRef
	Detail string `json:"detail"`
}

// DupGroup is a set of samples showing the same picture. Distance is the
// largest perceptual-hash distance in a near group (0 for exact copies).
type DupGroup struct {
	Files    []FileRef `json:"files"`
	Conflict bool      `json:"conflict"` // under different classes
	Distance int       `json:"distance,omitempty"`
}

// TestSummary counts the test folder's samples.
type TestSummary struct {
	Classes    []ClassStat `json:"classes"`
	Unreadable []Issue     `json:"unreadable"`
}

// Leakage lists test images that are also in the training set: each group
// starts with the test image, followed by its training copies.
type Leakage struct {
	Exact []DupGroup `json:"exact"`
	Near  []DupGroup `json:"near"`
}

// Finding is one line of the diagnosis.
type Finding struct {
	Severity string `json:"severity"` // "error", "warning", "info"
	Code     string `json:"code"`     // stable: "unreadable", "label_conflict", "imbalance", ...
	Message  string `json:"message"`
}

// Strict reports whether -strict fails on this report: label conflicts or
// unreadable files (in either folder).
func (r *Report) Strict() bool {
	n := len(r.Unreadable)
	if r.Test != nil {
		n += len(r.Test.Unreadable)
	}
	return r.LabelConflicts > 0 || n > 0
}

// ImageNet's luma statistics, for grayscale data.
var imageNetLumaMean, imageNetLumaStd = 0.299*0.485 + 0.587*0.456 + 0.114*0.406, 0.226

func (r *Report) normalisationAdvice() {
	far := false
	for ch := range r.Mean {
		m, s := imageNetLumaMean, imageNetLumaStd
		if len(r.Mean) == 3 {
			m, s = float64(ImageNetMean[ch]), float64(ImageNetStd[ch])
		}
		if math.Abs(r.Mean[ch]-m) > 0.1 || r.Std[ch] < s/1.5 || r.Std[ch] > s*1.5 {
			far = true
		}
	}
	r.FarFromImageNet = far
	if far {
		r.Normalization = fmt.Sprintf("far from ImageNet's (mean %s, std %s): from scratch, normalise with this data's own mean/std (data.Normalize(%s, %s)); with pretrained ImageNet weights keep ImageNet's and expect a slower start",
			fmtFloats(imagenetMean(len(r.Mean))), fmtFloats(imagenetStd(len(r.Std))), fmtFloats(r.Mean), fmtFloats(r.Std))
	} else {
		r.Normalization = "close to ImageNet's: data.Normalize(data.ImageNetMean, data.ImageNetStd) suits both pretrained and from-scratch training"
	}
}

func imagenetMean(n int) []float64 {
	if n == 1 {
		return []float64{imageNetLumaMean}
	}
	return []float64{0.485, 0.456, 0.406}
}

func imagenetStd(n int) []float64 {
	if n == 1 {
		return []float64{imageNetLumaStd}
	}
	return []float64{0.229, 0.224, 0.225}
}

func fmtFloats(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%.3f", x)
	}
	return "[" + strings.Join(s, " ") + "]"
}

// findings fills Findings from the rest of the report.
func (r *Report) findings() {
	add := func(sev, code, format string, args ...any) {
		r.Findings = append(r.Findings, Finding{sev, code, fmt.Sprintf(format, args...)})
	}
	if r.Readable == 0 {
		add("error", "no_images", "no readable images")
	}
	if n := len(r.Unreadable); n > 0 {
		add("error", "unreadable", "%d unreadable or truncated files (the trainer skips them with a warning)", n)
	}
	if r.LabelConflicts > 0 {
		exact := 0
		for _, g := range r.ExactDuplicates {
			if g.Conflict {
				exact++
			}
		}
		add("error", "label_conflict", "%d label conflicts: the same picture under different classes (%d exact, %d near-duplicates) — likely wrong labels", r.LabelConflicts, exact, len(r.NearConflicts))
	}
	if r.Leakage != nil && len(r.Leakage.Exact)+len(r.Leakage.Near) > 0 {
		add("error", "leakage", "%d test images are also in the training set (%d exact, %d near-duplicates): test scores will be optimistic", len(r.Leakage.Exact)+len(r.Leakage.Near), len(r.Leakage.Exact), len(r.Leakage.Near))
	}
	if r.Test != nil && len(r.Test.Unreadable) > 0 {
		add("error", "unreadable", "%d unreadable files in the test folder", len(r.Test.Unreadable))
	}
	p := r.Imbalance
	if len(p.Empty) > 0 {
		names := []string{}
		for _, c := range p.Empty {
			names = append(names, r.Classes[c].Name)
		}
		add("error", "empty_class", "classes with no readable images: %s", strings.Join(names, ", "))
	}
	if p.Strategy != StrategyNone {
		add("warning", "imbalance", "%s (what the trainer's -imbalance auto does)", p.Reason)
	}
	if n := len(r.Blank); n > 0 {
		add("warning", "blank", "%d blank or constant images", n)
	}
	dups := 0
	for _, g := range r.ExactDuplicates {
		if !g.Conflict {
			dups++
		}
	}
	if dups > 0 {
		add("warning", "duplicate", "%d groups of identical files within a class (they weigh double in training)", dups)
	}
	if len(r.Modes) > 1 {
		add("warning", "mixed_channels", "mixed channel layouts %s: the loader converts them to one channel count", fmtCounts(r.Modes))
	}
	if n := len(r.Tiny); n > 0 {
		add("warning", "tiny", "%d tiny images (a side under %d pixels); upscaling them for a 224x224 VGG16 adds no detail", n, 32)
	}
	if n := len(r.ExtremeAspect); n > 0 {
		add("warning", "aspect", "%d images with an extreme aspect ratio: a center crop loses most of them", n)
	}
	if r.FarFromImageNet {
		add("info", "normalization", "pixel statistics %s", r.Normalization)
	}
	if len(r.Findings) == 0 {
		add("info", "ok", "no problems found")
	}
}

func fmtCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := make([]string, len(keys))
	for i, k := range keys {
		s[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(s, ", ")
}

// WriteText writes the report for people.
func (r *Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	pf := func(format string, args ...any) { fmt.Fprintf(ew, format, args...) }
	rel := func(p string) string {
		for _, root := range []string{r.Root, r.TestRoot} {
			if root != "" {
				if q, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(q, "..") {
					return q
				}
			}
		}
		return p
	}
	limit := r.maxListed
	if limit <= 0 {
		limit = 50
	}
	name := r.Root
	if name == "" {
		name = "dataset"
	}
	pf("data doctor: %s — %d images in %d classes, %.1f s\n\n", name, r.Total, len(r.Classes), r.Seconds)
	width := 5
	for _, c := range r.Classes {
		width = max(width, len(c.Name))
	}
	pf("%-*s  %7s  %6s\n", width, "class", "images", "share")
	for _, c := range r.Classes {
		share := 0.0
		if r.Readable > 0 {
			share = 100 * float64(c.Count) / float64(r.Readable)
		}
		extra := ""
		if c.Unreadable > 0 {
			extra = fmt.Sprintf("  (+%d unreadable)", c.Unreadable)
		}
		pf("%-*s  %7d  %5.1f%%%s\n", width, c.Name, c.Count, share, extra)
	}
	pf("\nimbalance: %.2f:1 — %s\n", r.Imbalance.Ratio, r.Imbalance.Reason)
	if r.Imbalance.Strategy != StrategyNone && len(r.Classes) > 2 {
		pf("class weights: %s\n", fmtFloats(r.Imbalance.ClassWeights))
	}
	if r.Readable > 0 {
		pf("images: %s; %s; sizes %dx%d to %dx%d\n", fmtCounts(r.Modes), fmtCounts(r.Formats), r.MinW, r.MinH, r.MaxW, r.MaxH)
		pf("mean %s std %s: %s\n", fmtFloats(r.Mean), fmtFloats(r.Std), r.Normalization)
	}
	if r.Test != nil {
		pf("test:")
		for _, c := range r.Test.Classes {
			pf(" %s %d", c.Name, c.Count)
		}
		pf("\n")
	}
	pf("\n")
	for _, f := range r.Findings {
		pf("%-7s %s\n", strings.ToUpper(f.Severity), f.Message)
		switch f.Code {
		case "unreadable":
			list := r.Unreadable
			if strings.Contains(f.Message, "test folder") {
				list = r.Test.Unreadable
			}
			for i, is := range list {
				if i == limit {
					pf("        ... and %d more\n", len(list)-limit)
					break
				}
				pf("        %s: %s\n", rel(is.Path), strings.TrimPrefix(is.Detail, is.Path+": "))
			}
		case "label_conflict":
			k := 0
			for _, g := range r.ExactDuplicates {
				if g.Conflict && k < limit {
					pf("        exact: %s\n", fmtGroup(g, rel))
					k++
				}
			}
			for _, g := range r.NearConflicts {
				if k < limit {
					pf("        near (distance %d): %s\n", g.Distance, fmtGroup(g, rel))
					k++
				}
			}
			if r.LabelConflicts > k {
				pf("        ... and %d more\n", r.LabelConflicts-k)
			}
		case "leakage":
			k := 0
			for _, g := range append(append([]DupGroup(nil), r.Leakage.Exact...), r.Leakage.Near...) {
				if k == limit {
					pf("        ... and more\n")
					break
				}
				pf("        test %s\n", fmtGroup(g, rel))
				k++
			}
		case "blank", "tiny", "aspect":
			list := map[string][]Issue{"blank": r.Blank, "tiny": r.Tiny, "aspect": r.ExtremeAspect}[f.Code]
			for i, is := range list {
				if i == min(limit, 10) {
					pf("        ... and %d more\n", len(list)-i)
					break
				}
				pf("        %s (%s): %s\n", rel(is.Path), is.Class, is.Detail)
			}
		case "duplicate":
			k := 0
			for _, g := range r.ExactDuplicates {
				if !g.Conflict && k < min(limit, 10) {
					pf("        %s\n", fmtGroup(g, rel))
					k++
				}
			}
		}
	}
	for _, wn := range r.Warnings {
		pf("note    %s\n", wn)
	}
	return ew.err
}

func fmtGroup(g DupGroup, rel func(string) string) string {
	s := make([]string, len(g.Files))
	for i, f := range g.Files {
		s[i] = fmt.Sprintf("%s (%s)", rel(f.Path), f.Class)
	}
	return strings.Join(s, " = ")
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
