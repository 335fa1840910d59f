// This file is the front door: Load sniffs a checkpoint's format, and
// selectStateDict finds the dictionary of tensors inside a PyTorch
// checkpoint, however it was nested.

package weights

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Load reads a checkpoint, telling the format from its first bytes: a zip
// archive (torch.save, torch >= 1.6), a pickle (legacy torch.save) or
// safetensors. From a PyTorch checkpoint it returns the tensors of the state
// dict: the top-level dict if it holds tensors, otherwise the one under
// "state_dict", "model_state_dict", "model", "net", "network" or "module",
// or the only nested dict that holds tensors (Root says which). Entries that
// are not tensors (hyper-parameters, _metadata) are skipped. If every key
// starts with DataParallel's "module.", the prefix is removed.
func Load(path string) (*StateDict, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	return LoadFrom(f, st.Size(), path)
}

// LoadFrom is Load for size bytes read from r; name is used in errors.
func LoadFrom(r io.ReaderAt, size int64, name string) (*StateDict, error) {
	var head [9]byte
	n, _ := r.ReadAt(head[:], 0)
	b := head[:n]
	switch {
	case bytes.HasPrefix(b, []byte("PK\x03\x04")), bytes.HasPrefix(b, []byte("PK\x05\x06")):
		return loadTorchZip(r, size, name)
	case len(b) >= 2 && b[0] == opProto && b[1] >= 2 && b[1] <= 5:
		return loadTorchLegacy(r, size, name)
	case len(b) == 9 && b[8] == '{' && binary.LittleEndian.Uint64(b) <= uint64(size-8):
		return readSafetensors(r, size, name)
	case len(b) >= 6 && string(b[:5]) == "\x93NUMP":
		return nil, formatErr(name, "", "a NumPy file, not a checkpoint")
	}
	if size >= 262 {
		var ustar [5]byte
		if n, _ := r.ReadAt(ustar[:], 257); n == 5 && string(ustar[:]) == "ustar" {
			return nil, formatErr(name, "", "a tar archive: the pre-0.1.10 PyTorch format is not supported; re-save it with a newer torch")
		}
	}
	return nil, formatErr(name, "", "unknown format (first bytes %q): want a PyTorch .pth/.pt (zip or legacy pickle) or safetensors", b)
}

// preferredRoots are the keys checkpoints commonly nest a state dict under,
// in the order they are tried.
var preferredRoots = []string{"state_dict", "model_state_dict", "model", "net", "network", "module"}

// selectStateDict finds the dict of tensors in a checkpoint's top-level
// object, records its path in sd.Root, and returns its tensors in order with
// the "module." prefix stripped when every key has it.
func selectStateDict(sd *StateDict, root any, name string) ([]namedRef, error) {
	d, path := findTensorDict(root, "", 0, map[*pyDict]bool{})
	if d == nil {
		return nil, formatErr(name, "", "no dictionary of tensors found in a %s%s", typeName(root), describeKeys(root))
	}
	sd.Root = path
	var refs []namedRef
	for i, k := range d.keys {
		t, ok := d.vals[i].(*tensorRef)
		if !ok {
			continue
		}
		key, ok := k.(string)
		if !ok {
			return nil, formatErr(name, "", "state dict %q has a tensor under a %s key", path, typeName(k))
		}
		refs = append(refs, namedRef{key, t})
	}
	strip := true
	for _, r := range refs {
		strip = strip && strings.HasPrefix(r.name, "module.")
	}
	if strip {
		sd.StrippedPrefix = "module."
		seen := map[string]bool{}
		for i := range refs {
			refs[i].name = strings.TrimPrefix(refs[i].name, "module.")
			if seen[refs[i].name] {
				return nil, formatErr(name, "", "key %q appears twice", refs[i].name)
			}
			seen[refs[i].name] = true
		}
	}
	return refs, nil
}

// findTensorDict returns the dict that holds tensors directly: v itself, the
// value under a preferred key, or the only nested dict holding any. Each dict
// is visited once, so shared or cyclic structures cost linear time.
func findTensorDict(v any, path string, depth int, seen map[*pyDict]bool) (*pyDict, string) {
	d, ok := v.(*pyDict)
	if !ok || depth > 4 || seen[d] {
		return nil, ""
	}
	seen[d] = true
	for _, x := range d.vals {
		if _, ok := x.(*tensorRef); ok {
			return d, path
		}
	}
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	for _, k := range preferredRoots {
		if x, ok := d.get(k); ok {
			if found, p := findTensorDict(x, join(k), depth+1, seen); found != nil {
				return found, p
			}
		}
	}
	var only *pyDict
	var onlyPath string
	for i, x := range d.vals {
		k, ok := d.keys[i].(string)
		if !ok {
			continue
		}
		if found, p := findTensorDict(x, join(k), depth+1, seen); found != nil {
			if only != nil {
				return nil, "" // ambiguous: say so through the caller's key list
			}
			only, onlyPath = found, p
		}
	}
	return only, onlyPath
}

// describeKeys lists a dict's keys for an error message.
func describeKeys(v any) string {
	d, ok := v.(*pyDict)
	if !ok {
		return ""
	}
	var ks []string
	for _, k := range d.keys {
		if s, ok := k.(string); ok {
			ks = append(ks, fmt.Sprintf("%q", s))
		}
	}
	sort.Strings(ks)
	if len(ks) > 20 {
		ks = append(ks[:20], "...")
	}
	return fmt.Sprintf(" with keys [%s]", strings.Join(ks, ", "))
}
