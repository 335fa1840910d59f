// This file reads CSV manifests (path,label) for data that does not live in
// class folders.

package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// maxManifestClasses bounds integer labels, so that a label of 10^9 cannot
// make a billion class names.
const maxManifestClasses = 100000

// ParseManifest reads a CSV manifest: one "path,label" record per line, an
// optional header whose first field is "path" (any case), '#' comments and
// quoted fields as in RFC 4180. Relative paths are taken relative to base.
// When every label is a non-negative integer below 100000 the labels are
// used as class indices and the classes are named "0", "1", ..., up to the
// largest; otherwise the classes are the distinct labels sorted by name.
// Errors name the line.
func ParseManifest(r io.Reader, base string) (*Files, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	var paths, labels []string
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("line %d: %v", pe.Line, pe.Err)
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			if len(rec) > 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "path") {
				continue
			}
		}
		if len(rec) != 2 {
			return nil, fmt.Errorf("line %d: %d fields, want 2 (path,label)", line, len(rec))
		}
		p, l := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if p == "" || l == "" {
			return nil, fmt.Errorf("line %d: empty path or label", line)
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		paths = append(paths, p)
		labels = append(labels, l)
	}
	if len(paths) == 0 {
		return nil, errors.New("no records")
	}
	f := &Files{Root: base, Paths: paths, Targets: make([]int, len(paths))}
	numeric, maxN := true, 0
	for _, l := range labels {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 || n >= maxManifestClasses {
			numeric = false
			break
		}
		maxN = max(maxN, n)
	}
	if numeric {
		for k := 0; k <= maxN; k++ {
			f.ClassNames = append(f.ClassNames, strconv.Itoa(k))
		}
		for i, l := range labels {
			f.Targets[i], _ = strconv.Atoi(l)
		}
	} else {
		idx := map[string]int{}
		for _, l := range labels {
			idx[l] = 0
		}
		for l := range idx {
			f.ClassNames = append(f.ClassNames, l)
		}
		sort.Strings(f.ClassNames)
		for c, l := range f.ClassNames {
			idx[l] = c
		}
		for i, l := range labels {
			f.Targets[i] = idx[l]
		}
	}
	var empty []string
	for c, n := range CountLabels(f.Targets, len(f.ClassNames)) {
		if n == 0 {
			empty = append(empty, strconv.Quote(f.ClassNames[c]))
		}
	}
	if len(empty) > 0 {
		more := ""
		if len(empty) > 5 {
			more = fmt.Sprintf(" and %d more", len(empty)-5)
			empty = empty[:5]
		}
		f.Warnings = append(f.Warnings, fmt.Sprintf("classes %s%s have no images (integer labels name classes 0..max)", strings.Join(empty, ", "), more))
	}
	return f, nil
}

// ReadManifest reads the manifest file at path (paths in it are relative to
// its folder); errors name the file.
func ReadManifest(path string) (*Files, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	f, err := ParseManifest(fh, filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}
