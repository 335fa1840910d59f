// This file is what PyTorch's pickles may call: the whitelist of globals,
// the tensor rebuild functions, persistent storage references, and the step
// that turns tensor references into contiguous tensors. The zip and legacy
// loaders (torchfile.go) share it.

package weights

import (
	"encoding/binary"
	"fmt"

	"github.com/gocnn/gocnn/tensor"
)

// storage is a typed storage that a pickle refers to by key. Its bytes live
// in the file; the loader says where (at) after checking they are present.
type storage struct {
	key   string
	dt    dtype
	numel int64
	root  *storage // for legacy storage views: the storage this one is a window of
	off   int64    // element offset within root

	at int64 // legacy format: file offset of the data; zip: unused
}

// base returns the root storage and this storage's element offset in it.
func (s *storage) base() (*storage, int64) {
	if s.root != nil {
		return s.root, s.off
	}
	return s, 0
}

// tensorRef is a tensor as a pickle describes it: a strided window onto a
// storage.
type tensorRef struct {
	st     *storage
	offset int64
	shape  []int
	stride []int64
}

// torchPickle holds the whitelist and the storages one file's pickle made.
type torchPickle struct {
	legacy   bool
	storages map[string]*storage
}

var (
	globalOrderedDict = pyGlobal{"collections", "OrderedDict"}
	torchRebuilds     = map[string]bool{
		"_rebuild_tensor": true, "_rebuild_tensor_v2": true,
		"_rebuild_parameter": true, "_rebuild_parameter_with_state": true,
	}
)

// global is the whitelist: collections.OrderedDict, the torch._utils tensor
// and parameter rebuilds, and the torch.*Storage classes.
func (p *torchPickle) global(module, name string) (any, error) {
	switch {
	case module == "collections" && name == "OrderedDict",
		module == "torch._utils" && torchRebuilds[name]:
		return pyGlobal{module, name}, nil
	case module == "torch":
		if _, ok := torchStorages[name]; ok {
			return pyGlobal{module, name}, nil
		}
	}
	return nil, ErrUnsafe
}

// call runs REDUCE for a whitelisted global.
func (p *torchPickle) call(fn any, args pyTuple) (any, error) {
	g, ok := fn.(pyGlobal)
	if !ok {
		return nil, fmt.Errorf("cannot call a %s", typeName(fn))
	}
	switch {
	case g == globalOrderedDict:
		if len(args) != 0 {
			return nil, fmt.Errorf("collections.OrderedDict with %d arguments", len(args))
		}
		return newDict(), nil
	case g.name == "_rebuild_tensor" && len(args) == 4,
		g.name == "_rebuild_tensor_v2" && (len(args) == 6 || len(args) == 7):
		return newTensorRef(args[0], args[1], args[2], args[3])
	case g.name == "_rebuild_parameter" && len(args) == 3,
		g.name == "_rebuild_parameter_with_state" && len(args) == 4:
		if t, ok := args[0].(*tensorRef); ok {
			return t, nil
		}
		return nil, fmt.Errorf("%s of a %s", g.name, typeName(args[0]))
	}
	return nil, fmt.Errorf("%s.%s with %d arguments is not a call a state dict makes", g.module, g.name, len(args))
}

// build runs BUILD: the attribute state of an OrderedDict (a state dict's
// _metadata) or of a parameter is ignored; nothing else may be built.
func (p *torchPickle) build(obj, state any) error {
	switch obj.(type) {
	case *pyDict, *tensorRef:
		return nil
	}
	return fmt.Errorf("cannot set the state of a %s", typeName(obj))
}

// persistentLoad resolves a storage reference:
// ('storage', torch.XStorage, key, location, numel) in the zip format, with a
// sixth element view_metadata, None or (view_key, offset, numel), in the
// legacy format. The same key always yields the same storage.
func (p *torchPickle) persistentLoad(pid any) (any, error) {
	t, ok := pid.(pyTuple)
	if !ok || len(t) < 5 || t[0] != "storage" {
		return nil, fmt.Errorf("persistent id %s is not a storage reference", typeName(pid))
	}
	g, ok := t[1].(pyGlobal)
	dt, known := torchStorages[g.name]
	if !ok || g.module != "torch" || !known {
		return nil, fmt.Errorf("storage type %s is not a torch storage class", typeName(t[1]))
	}
	key, ok1 := t[2].(string)
	numel, ok2 := t[4].(int64)
	if !ok1 || !ok2 || numel < 0 || numel > 1<<50 {
		return nil, fmt.Errorf("malformed storage reference (key %s, size %v)", typeName(t[2]), t[4])
	}
	st, err := p.storage(key, dt, numel)
	if err != nil {
		return nil, err
	}
	if !p.legacy || len(t) < 6 || t[5] == (pyNone{}) {
		return st, nil
	}
	view, ok := t[5].(pyTuple)
	if !ok || len(view) != 3 {
		return nil, fmt.Errorf("malformed storage view of %q", key)
	}
	vkey, ok1 := view[0].(string)
	off, ok2 := view[1].(int64)
	n, ok3 := view[2].(int64)
	if !ok1 || !ok2 || !ok3 || off < 0 || n < 0 || off > numel || n > numel-off {
		return nil, fmt.Errorf("storage view %v of %q (%d elements) is out of range", view, key, numel)
	}
	if v, ok := p.storages[vkey]; ok {
		if v.root != st || v.off != off || v.numel != n {
			return nil, fmt.Errorf("storage view %q redefined", vkey)
		}
		return v, nil
	}
	v := &storage{key: vkey, dt: dt, numel: n, root: st, off: off}
	p.storages[vkey] = v
	return v, nil
}

func (p *torchPickle) storage(key string, dt dtype, numel int64) (*storage, error) {
	if st, ok := p.storages[key]; ok {
		if st.dt != dt || st.numel != numel || st.root != nil {
			return nil, fmt.Errorf("storage %q referenced as %s[%d] and as %s[%d]", key, st.dt.name, st.numel, dt.name, numel)
		}
		return st, nil
	}
	st := &storage{key: key, dt: dt, numel: numel}
	p.storages[key] = st
	return st, nil
}

// newTensorRef checks a rebuild's (storage, offset, size, stride): every
// element it addresses must lie inside the storage.
func newTensorRef(stv, offv, sizev, stridev any) (*tensorRef, error) {
	st, ok := stv.(*storage)
	if !ok {
		return nil, fmt.Errorf("tensor storage is a %s", typeName(stv))
	}
	off, ok := offv.(int64)
	size, ok1 := sizev.(pyTuple)
	stride, ok2 := stridev.(pyTuple)
	if !ok || !ok1 || !ok2 || len(size) != len(stride) || len(size) > 64 || off < 0 {
		return nil, fmt.Errorf("malformed tensor (offset %v, size %s, stride %s)", offv, typeName(sizev), typeName(stridev))
	}
	t := &tensorRef{st: st, offset: off, shape: make([]int, len(size)), stride: make([]int64, len(size))}
	empty := false
	for i := range size {
		d, ok1 := size[i].(int64)
		s, ok2 := stride[i].(int64)
		if !ok1 || !ok2 || d < 0 || s < 0 || d > 1<<50 || s > 1<<50 {
			return nil, fmt.Errorf("malformed tensor size %v stride %v", size, stride)
		}
		t.shape[i], t.stride[i] = int(d), s
		empty = empty || d == 0
	}
	if empty {
		return t, nil
	}
	last := off // largest element index addressed
	for i, d := range t.shape {
		if s := t.stride[i]; s > 0 && d > 1 {
			if int64(d-1) > st.numel/s {
				return nil, fmt.Errorf("tensor size %v stride %v reaches past its storage of %d elements", size, stride, st.numel)
			}
			last += int64(d-1) * s
		}
	}
	if last >= st.numel {
		return nil, fmt.Errorf("tensor at offset %d size %v stride %v reaches past its storage of %d elements", off, size, stride, st.numel)
	}
	return t, nil
}

// namedRef is one key of the chosen state dict.
type namedRef struct {
	name string
	t    *tensorRef
}

// materialize builds sd's tensors from refs, reading each root storage once
// through read (which fills a buffer of exactly numel*size bytes) and
// dropping it before the next. check is called for every root storage
// before anything is allocated; it must confirm that the file holds its
// bytes. The decoded total may not exceed 8 times the
// storages' bytes plus 64 MiB, so that many views of one storage cannot turn
// a small file into a huge allocation.
func materialize(sd *StateDict, refs []namedRef, bo binary.ByteOrder, check func(st *storage) error, read func(st *storage, dst []byte) error) error {
	var stored, decoded int64
	users := map[*storage][]int{}
	var roots []*storage
	for i, r := range refs {
		root, _ := r.t.st.base()
		if users[root] == nil {
			roots = append(roots, root)
			if err := check(root); err != nil {
				return err
			}
			stored += root.numel * int64(root.dt.size)
		}
		users[root] = append(users[root], i)
		n, _ := numel(r.t.shape, 1<<50)
		if r.t.st.dt.float {
			decoded += 4 * n
		} else {
			decoded += 8 * n
		}
	}
	if decoded > 8*stored+64<<20 {
		return fmt.Errorf("tensors would decode to %d bytes from %d bytes of storage", decoded, stored)
	}
	floats := make([]*tensor.Tensor, len(refs))
	ints := make([]*IntTensor, len(refs))
	for _, root := range roots {
		var raw []byte
		var direct []float32 // root's elements, when F32 in native order
		if root.dt == dtF32 && nativeLE && bo == binary.LittleEndian {
			direct = tensor.AlignedFloats(int(root.numel))
			raw = floatBytes(direct)
		} else {
			raw = make([]byte, root.numel*int64(root.dt.size))
		}
		if err := read(root, raw); err != nil {
			return err
		}
		sole := len(users[root]) == 1
		for _, i := range users[root] {
			r := refs[i].t
			_, soff := r.st.base()
			n, _ := numel(r.shape, 1<<50)
			if r.st.dt.float {
				start := soff + r.offset
				switch {
				case direct != nil && sole && start == 0 && n == root.numel && contiguous(r.shape, r.stride):
					floats[i] = tensor.Wrap(direct, r.shape...)
				case direct != nil && contiguous(r.shape, r.stride):
					floats[i] = tensor.FromSlice(direct[start:start+n], r.shape...)
				default:
					v := tensor.AlignedFloats(int(n))
					gather(r, soff, func(k int, e int64) { v[k] = floatAt(raw, int(e), root.dt, bo) })
					floats[i] = tensor.Wrap(v, r.shape...)
				}
			} else {
				v := make([]int64, n)
				gather(r, soff, func(k int, e int64) { v[k] = intAt(raw, int(e), root.dt, bo) })
				ints[i] = &IntTensor{Shape: r.shape, Data: v}
			}
		}
	}
	for i, r := range refs {
		if floats[i] != nil {
			sd.Tensors[r.name] = floats[i]
		} else {
			sd.Ints[r.name] = ints[i]
		}
		sd.Order = append(sd.Order, r.name)
		sd.DTypes[r.name] = r.t.st.dt.name
	}
	return nil
}

// contiguous reports whether stride is the row-major stride of shape
// (dimensions of size 1 may have any stride).
func contiguous(shape []int, stride []int64) bool {
	s := int64(1)
	for i := len(shape) - 1; i >= 0; i-- {
		if shape[i] != 1 && stride[i] != s {
			return false
		}
		s *= int64(shape[i])
	}
	return true
}

// gather calls fn(k, e) for the k-th element in row-major order of r, where
// e is its element index in the root storage (soff is r's storage offset).
func gather(r *tensorRef, soff int64, fn func(k int, e int64)) {
	n, _ := numel(r.shape, 1<<50)
	if n == 0 {
		return
	}
	idx := make([]int, len(r.shape))
	e := soff + r.offset
	for k := 0; k < int(n); k++ {
		fn(k, e)
		for d := len(idx) - 1; d >= 0; d-- {
			idx[d]++
			e += r.stride[d]
			if idx[d] < r.shape[d] {
				break
			}
			e -= int64(idx[d]) * r.stride[d]
			idx[d] = 0
		}
	}
}
