// This file holds WriteFileAtomic: a file that readers see either whole or
// not at all, even across a crash.

package weights

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes path through write, atomically: the bytes go to a
// temporary file in the same directory, which is flushed, fsynced and closed,
// then renamed over path; finally the directory is fsynced so that the rename
// survives a crash. If write (or any step) fails, the temporary file is
// removed and path is left as it was. w is buffered. The new file has mode
// 0644, or the mode of the file it replaces.
func WriteFileAtomic(path string, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("weights: write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err = write(bw); err != nil {
		return fmt.Errorf("weights: write %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("weights: write %s: %w", path, err)
	}
	mode := os.FileMode(0o644)
	if st, serr := os.Stat(path); serr == nil && st.Mode().IsRegular() {
		mode = st.Mode().Perm()
	}
	if err = f.Chmod(mode); err != nil {
		return fmt.Errorf("weights: write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("weights: write %s: sync: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("weights: write %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("weights: write %s: %w", path, err)
	}
	// The data is in place; a failure to sync the directory only weakens
	// crash durability, but it is still reported.
	if d, derr := os.Open(dir); derr == nil {
		derr = d.Sync()
		d.Close()
		if derr != nil {
			return fmt.Errorf("weights: write %s: sync directory: %w", path, derr)
		}
	}
	return nil
}
