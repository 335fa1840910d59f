// This file defines a hyperparameter search's trials and parses the search
// space: a grid ("lr=1e-3,1e-4;imbalance=weights,focal") expands to every
// combination, a random search samples a seeded number of points from lists
// and ranges. Running the trials and ranking them is in search_run.go.

package vgg16

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gocnn/gocnn/tensor"
)

// Trial is one point of a search: the settings it changes in the base
// configuration. A zero field (nil Seed) keeps the base's value.
type Trial struct {
	LR        float64 `json:"lr,omitempty"`
	Imbalance string  `json:"imbalance,omitempty"`
	Optim     string  `json:"optim,omitempty"`
	Batch     int     `json:"batch,omitempty"`
	Epochs    int     `json:"epochs,omitempty"`
	Arch      string  `json:"arch,omitempty"`
	Seed      *uint64 `json:"seed,omitempty"`
	// SAM is Config.SAM (0 auto, -1 off, else the radius); nil keeps the
	// base's.
	SAM *float64 `json:"sam,omitempty"`
}

// SearchKeys are the settings a search can vary, in the order tables show
// them.
var SearchKeys = []string{"lr", "imbalance", "optim", "batch", "epochs", "arch", "sam", "seed"}

// maxTrials bounds a grid's size: more is almost certainly a typo.
const maxTrials = 1000

// Apply returns base with t's settings.
func (t Trial) Apply(base Config) Config {
	c := base
	if t.LR != 0 {
		c.LR = t.LR
	}
	if t.Imbalance != "" {
		c.Imbalance = t.Imbalance
	}
	if t.Optim != "" {
		c.Optim = t.Optim
	}
	if t.Batch != 0 {
		c.Batch = t.Batch
	}
	if t.Epochs != 0 {
		c.Epochs = t.Epochs
	}
	if t.Arch != "" {
		c.Arch = t.Arch
	}
	if t.Seed != nil {
		c.Seed = *t.Seed
	}
	if t.SAM != nil {
		c.SAM = *t.SAM
	}
	return c
}

// Value returns t's setting for key as text ("" when t keeps the base's).
func (t Trial) Value(key string) string {
	switch key {
	case "lr":
		if t.LR != 0 {
			return strconv.FormatFloat(t.LR, 'g', 3, 64)
		}
	case "imbalance":
		return t.Imbalance
	case "optim":
		return t.Optim
	case "batch":
		if t.Batch != 0 {
			return strconv.Itoa(t.Batch)
		}
	case "epochs":
		if t.Epochs != 0 {
			return strconv.Itoa(t.Epochs)
		}
	case "arch":
		return t.Arch
	case "seed":
		if t.Seed != nil {
			return strconv.FormatUint(*t.Seed, 10)
		}
	case "sam":
		if t.SAM != nil {
			return samText(*t.SAM)
		}
	}
	return ""
}

// samText writes a Config.SAM value as a search space does: auto, off or
// the radius.
func samText(rho float64) string {
	switch {
	case rho == 0:
		return "auto"
	case rho < 0:
		return "off"
	}
	return strconv.FormatFloat(rho, 'g', 3, 64)
}

// parseSAM reads a search space's sam value: auto, off or a radius.
func parseSAM(v string) (float64, bool) {
	switch strings.ToLower(v) {
	case "auto":
		return 0, true
	case "off":
		return -1, true
	}
	x, err := strconv.ParseFloat(v, 64)
	return x, err == nil && x > 0 && !math.IsInf(x, 0)
}

// String lists t's settings as "lr=0.001 imbalance=focal".
func (t Trial) String() string {
	var parts []string
	for _, k := range SearchKeys {
		if v := t.Value(k); v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	if len(parts) == 0 {
		return "(base)"
	}
	return strings.Join(parts, " ")
}

// dim is one key of a search space: a list of values, or for a numeric key
// a range [lo, hi] (lr sampled log-uniformly, integers uniformly).
type dim struct {
	key    string
	values []string
	ranged bool
	lo, hi float64
}

// set stores the text value v of d's key into t; v has been validated.
func (d dim) set(t *Trial, v string) {
	switch d.key {
	case "lr":
		t.LR, _ = strconv.ParseFloat(v, 64)
	case "imbalance":
		t.Imbalance = v
	case "optim":
		t.Optim = v
	case "batch":
		t.Batch, _ = strconv.Atoi(v)
	case "epochs":
		t.Epochs, _ = strconv.Atoi(v)
	case "arch":
		t.Arch = strings.ToLower(v)
	case "seed":
		s, _ := strconv.ParseUint(v, 10, 64)
		t.Seed = &s
	case "sam":
		rho, _ := parseSAM(v)
		t.SAM = &rho
	}
}

// checkValue returns an error naming key=v when v is not a valid value.
func checkValue(key, v string) error {
	bad := func(why string) error { return fmt.Errorf("%s=%s: %s", key, v, why) }
	switch key {
	case "lr":
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return bad("not a number")
		}
		if !(x > 0) || math.IsInf(x, 0) {
			return bad("the learning rate must be positive")
		}
	case "imbalance":
		if err := oneOf("imbalance", v, "auto", "none", "weights", "focal", "oversample", "undersample"); err != nil {
			return bad("want auto, none, weights, focal, oversample or undersample")
		}
	case "optim":
		if err := oneOf("optim", v, "adam", "adamw", "sgd"); err != nil {
			return bad("want adam, adamw or sgd")
		}
	case "batch", "epochs":
		n, err := strconv.Atoi(v)
		if err != nil {
			return bad("not an integer")
		}
		if n < 1 {
			return bad("must be at least 1")
		}
	case "arch":
		if _, _, err := ParseArch(v); err != nil {
			return bad("want vgg11, vgg13, vgg16 or vgg19, optionally with _bn")
		}
	case "seed":
		if _, err := strconv.ParseUint(v, 10, 64); err != nil {
			return bad("not a non-negative integer")
		}
	case "sam":
		if _, ok := parseSAM(v); !ok {
			return bad("want auto, off or a positive radius such as 0.05")
		}
	}
	return nil
}

// parseSpace parses "key=v1,v2;key=lo..hi" into dimensions, in the order
// given. Ranges are accepted for lr, epochs and seed.
func parseSpace(spec string) ([]dim, error) {
	var dims []dim
	seen := map[string]bool{}
	for _, part := range strings.Split(spec, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, vals, ok := strings.Cut(part, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		if !ok {
			return nil, fmt.Errorf("%q: want key=value,value (keys %s)", part, strings.Join(SearchKeys, ", "))
		}
		if !isSearchKey(key) {
			return nil, fmt.Errorf("unknown key %q in %q (want one of %s)", key, part, strings.Join(SearchKeys, ", "))
		}
		if seen[key] {
			return nil, fmt.Errorf("key %q given twice", key)
		}
		seen[key] = true
		d := dim{key: key}
		vals = strings.TrimSpace(vals)
		if lo, hi, isRange := strings.Cut(vals, ".."); isRange {
			if key != "lr" && key != "epochs" && key != "seed" {
				return nil, fmt.Errorf("%s=%s: ranges are for lr, epochs and seed; list the values", key, vals)
			}
			lo, hi = strings.TrimSpace(lo), strings.TrimSpace(hi)
			for _, v := range []string{lo, hi} {
				if err := checkValue(key, v); err != nil {
					return nil, err
				}
			}
			d.ranged = true
			d.lo, _ = strconv.ParseFloat(lo, 64)
			d.hi, _ = strconv.ParseFloat(hi, 64)
			if d.lo > d.hi {
				return nil, fmt.Errorf("%s=%s: the range is empty (low above high)", key, vals)
			}
			if key != "lr" && d.hi-d.lo > 1e9 {
				return nil, fmt.Errorf("%s=%s: the range is too wide (at most 1e9 values)", key, vals)
			}
			dims = append(dims, d)
			continue
		}
		for _, v := range strings.Split(vals, ",") {
			v = strings.TrimSpace(v)
			if v == "" {
				return nil, fmt.Errorf("%s=%s: empty value", key, vals)
			}
			if err := checkValue(key, v); err != nil {
				return nil, err
			}
			d.values = append(d.values, v)
		}
		dims = append(dims, d)
	}
	if len(dims) == 0 {
		return nil, fmt.Errorf("empty search space %q: want e.g. 'lr=1e-3,1e-4;imbalance=weights,focal'", spec)
	}
	return dims, nil
}

func isSearchKey(k string) bool {
	for _, s := range SearchKeys {
		if s == k {
			return true
		}
	}
	return false
}

// ParseGrid returns every combination of the values in spec, written
// "key=v1,v2;key=v3" with keys from SearchKeys; the last key varies fastest.
// An unknown key, a bad value or a range ("lr=1e-5..1e-2", for random
// search) is an error naming it.
func ParseGrid(spec string) ([]Trial, error) {
	dims, err := parseSpace(spec)
	if err != nil {
		return nil, err
	}
	n := 1
	for _, d := range dims {
		if d.ranged {
			return nil, fmt.Errorf("%s=%g..%g: a range needs -random N; a grid lists values", d.key, d.lo, d.hi)
		}
		n *= len(d.values)
		if n > maxTrials {
			return nil, fmt.Errorf("the grid has more than %d trials", maxTrials)
		}
	}
	trials := make([]Trial, n)
	stride := n
	for _, d := range dims {
		stride /= len(d.values)
		for i := range trials {
			d.set(&trials[i], d.values[(i/stride)%len(d.values)])
		}
	}
	return trials, nil
}

// DefaultRandomSpace is what a random search samples for the keys its spec
// does not name: lr log-uniform in [1e-5, 1e-2], an imbalance strategy that
// handles imbalance, and adam or adamw.
const DefaultRandomSpace = "lr=1e-5..1e-2;imbalance=auto,weights,focal,oversample;optim=adam,adamw"

// RandomTrials returns n trials sampled from spec (the same syntax as
// ParseGrid, plus ranges "lr=1e-5..1e-2" sampled log-uniformly and
// "epochs=2..6" or "seed=0..9" uniformly), with DefaultRandomSpace for the
// keys spec does not name. The same seed gives the same trials.
func RandomTrials(n int, seed uint64, spec string) ([]Trial, error) {
	if n < 1 || n > maxTrials {
		return nil, fmt.Errorf("-random %d: want 1 to %d trials", n, maxTrials)
	}
	var dims []dim
	if strings.TrimSpace(spec) != "" {
		var err error
		if dims, err = parseSpace(spec); err != nil {
			return nil, err
		}
	}
	defaults, err := parseSpace(DefaultRandomSpace)
	if err != nil {
		panic(err) // a constant
	}
	for _, d := range defaults {
		named := false
		for _, e := range dims {
			named = named || e.key == d.key
		}
		if !named {
			dims = append(dims, d)
		}
	}
	g := tensor.NewRNG(seed)
	trials := make([]Trial, n)
	for i := range trials {
		for _, d := range dims {
			switch {
			case !d.ranged:
				d.set(&trials[i], d.values[g.IntN(len(d.values))])
			case d.key == "lr":
				lr := math.Exp(math.Log(d.lo) + g.Float64()*(math.Log(d.hi)-math.Log(d.lo)))
				d.set(&trials[i], strconv.FormatFloat(lr, 'g', 3, 64))
			default:
				v := uint64(d.lo) + uint64(g.IntN(int(d.hi-d.lo)+1))
				d.set(&trials[i], strconv.FormatUint(v, 10))
			}
		}
	}
	return trials, nil
}
