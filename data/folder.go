// This file holds the file-backed datasets: ImageFolder (one folder per
// class, as torchvision's) and the Files type they share with CSV manifests.

package data

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Files is a dataset of image files decoded on every Load (nothing is kept
// in memory; use Preload to hold small sets decoded). ImageFolder and
// ReadManifest return it.
type Files struct {
	Root       string
	Paths      []string // one per sample
	Targets    []int
	ClassNames []string
	// Warnings are the scan's remarks: empty classes, ignored files, skipped
	// hidden folders, symlink loops.
	Warnings []string
}

func (f *Files) Len() int          { return len(f.Paths) }
func (f *Files) Classes() []string { return f.ClassNames }
func (f *Files) Label(i int) int   { return f.Targets[i] }
func (f *Files) Name(i int) string { return f.Paths[i] }

// Load reads and decodes file i; an unreadable or undecodable file is an
// error naming it.
func (f *Files) Load(i int, dst *Image) error {
	_, err := LoadImageFile(f.Paths[i], dst)
	return err
}

// ImageFolder scans root/<class>/**/<file> for images (ImageExts, any case),
// as torchvision's ImageFolder: classes are the sub-folders of root sorted
// by name (label = position), files are found recursively, following
// symbolic links (a link loop is reported and not followed twice), in
// lexical path order. Unlike torchvision, folders and files whose names
// start with "." (.git, .ipynb_checkpoints, macOS "._" files) are skipped,
// and an empty class is kept (so labels still follow the folder order) with
// a warning rather than an error. Files with other extensions are ignored
// and counted in Warnings. Files are not opened: an unreadable one fails at
// Load, naming the file.
func ImageFolder(root string) (*Files, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a folder", root)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	f := &Files{Root: root}
	for _, e := range entries {
		p := filepath.Join(root, e.Name())
		st, err := os.Stat(p) // follows links to folders
		if err != nil || !st.IsDir() {
			continue
		}
		if strings.HasPrefix(e.Name(), ".") {
			f.Warnings = append(f.Warnings, fmt.Sprintf("skipped hidden folder %s", p))
			continue
		}
		f.ClassNames = append(f.ClassNames, e.Name())
	}
	sort.Strings(f.ClassNames)
	if len(f.ClassNames) == 0 {
		return nil, fmt.Errorf("%s: no class folders (expected %s/<class>/<image>)", root, root)
	}
	ignored := map[string]int{}
	for c, name := range f.ClassNames {
		var paths []string
		seen := map[string]bool{}
		if err := walkImages(filepath.Join(root, name), seen, &paths, ignored, &f.Warnings); err != nil {
			return nil, err
		}
		sort.Strings(paths)
		if len(paths) == 0 {
			f.Warnings = append(f.Warnings, fmt.Sprintf("class %q (%s) has no images", name, filepath.Join(root, name)))
		}
		for _, p := range paths {
			f.Paths = append(f.Paths, p)
			f.Targets = append(f.Targets, c)
		}
	}
	if len(ignored) > 0 {
		exts := make([]string, 0, len(ignored))
		total := 0
		for e, n := range ignored {
			exts = append(exts, fmt.Sprintf("%s: %d", e, n))
			total += n
		}
		sort.Strings(exts)
		f.Warnings = append(f.Warnings, fmt.Sprintf("ignored %d files that are not images (%s)", total, strings.Join(exts, ", ")))
	}
	return f, nil
}

// walkImages appends the image files under dir to paths, following links to
// folders once each (seen holds resolved folder paths).
func walkImages(dir string, seen map[string]bool, paths *[]string, ignored map[string]int, warn *[]string) error {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		*warn = append(*warn, fmt.Sprintf("%s: %v", dir, err))
		return nil
	}
	if seen[real] {
		*warn = append(*warn, fmt.Sprintf("%s: already visited (symbolic link loop or duplicate link), not followed again", dir))
		return nil
	}
	seen[real] = true
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(dir, name)
		isDir := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				isDir = true
			}
		}
		if isDir {
			if err := walkImages(p, seen, paths, ignored, warn); err != nil {
				return err
			}
			continue
		}
		if IsImageFile(name) {
			*paths = append(*paths, p)
		} else {
			ext := strings.ToLower(filepath.Ext(name))
			if ext == "" {
				ext = "(none)"
			}
			ignored[ext]++
		}
	}
	return nil
}
