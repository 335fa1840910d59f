package weights

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unpickle runs the restricted unpickler with the torch whitelist over p.
func unpickle(p []byte) (any, error) {
	tp := &torchPickle{storages: map[string]*storage{}}
	return newTorchUnpickler(tp, bytes.NewReader(p), int64(len(p)), "test.pkl", "").load()
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// plainPickles are CPython's pickle.dumps of one value at protocols 2 to 5:
//
//	lst = [1, 2]
//	{"s": "héllo", "i": [0, 255, 65535, -1, 2**31-1, -2**31, 2**40, -2**63],
//	 "f": 1.5, "t": (1,), "t2": (1, 2), "t3": (1, 2, 3), "t4": (1, 2, 3, 4),
//	 "e": (), "b": [True, False, None], "nested": {"x": []}, 7: "intkey",
//	 "shared": (lst, lst)}
var plainPickles = map[string]string{
	"protocol 2": "80027d7100285801000000737101580600000068c3a96c6c6f710258010000006971035d7104284b004bff4dffff4affffffff4affffff7f4a000000808a060000000000018a080000000000000080655801000000667105473ff800000000000058010000007471064b018571075802000000743271084b014b0286710958020000007433710a4b014b024b0387710b58020000007434710c284b014b024b034b0474710d580100000065710e29580100000062710f5d71102888894e6558060000006e657374656471117d711258010000007871135d7114734b075806000000696e746b65797115580600000073686172656471165d7117284b014b02656817867118752e",
	"protocol 4": "800495c1000000000000007d94288c0173948c0668c3a96c6c6f948c0169945d94284b004bff4dffff4affffffff4affffff7f4a000000808a060000000000018a080000000000000080658c016694473ff80000000000008c0174944b0185948c027432944b014b0286948c027433944b014b024b0387948c02743494284b014b024b034b0474948c016594298c0162945d942888894e658c066e6573746564947d948c0178945d94734b078c06696e746b6579948c06736861726564945d94284b014b026568178694752e",
	"protocol 5": "800595c1000000000000007d94288c0173948c0668c3a96c6c6f948c0169945d94284b004bff4dffff4affffffff4affffff7f4a000000808a060000000000018a080000000000000080658c016694473ff80000000000008c0174944b0185948c027432944b014b0286948c027433944b014b024b0387948c02743494284b014b024b034b0474948c016594298c0162945d942888894e658c066e6573746564947d948c0178945d94734b078c06696e746b6579948c06736861726564945d94284b014b026568178694752e",
}

func TestUnpicklePlainValues(t *testing.T) {
	for name, h := range plainPickles {
		t.Run(name, func(t *testing.T) {
			v, err := unpickle(mustHex(h))
			require.NoError(t, err)
			d := v.(*pyDict)
			get := func(k any) any {
				for i, key := range d.keys {
					if key == k {
						return d.vals[i]
					}
				}
				t.Fatalf("no key %v", k)
				return nil
			}
			assert.Equal(t, "héllo", get("s"))
			assert.Equal(t, []any{int64(0), int64(255), int64(65535), int64(-1), int64(1<<31 - 1), int64(-1 << 31), int64(1 << 40), int64(-1 << 63)}, get("i").(*pyList).items)
			assert.Equal(t, 1.5, get("f"))
			assert.Equal(t, pyTuple{int64(1)}, get("t"))
			assert.Equal(t, pyTuple{int64(1), int64(2)}, get("t2"))
			assert.Equal(t, pyTuple{int64(1), int64(2), int64(3)}, get("t3"))
			assert.Equal(t, pyTuple{int64(1), int64(2), int64(3), int64(4)}, get("t4"))
			assert.Equal(t, pyTuple{}, get("e"))
			assert.Equal(t, []any{true, false, pyNone{}}, get("b").(*pyList).items)
			assert.Empty(t, get("nested").(*pyDict).vals[0].(*pyList).items)
			assert.Equal(t, "intkey", get(int64(7)))
			shared := get("shared").(pyTuple)
			assert.Same(t, shared[0].(*pyList), shared[1].(*pyList), "memo keeps identity")
			assert.Equal(t, []string{"s", "i", "f", "t", "t2", "t3", "t4", "e", "b", "nested"}, stringKeys(d)[:10], "insertion order")
		})
	}
}

func stringKeys(d *pyDict) []string {
	var ks []string
	for _, k := range d.keys {
		if s, ok := k.(string); ok {
			ks = append(ks, s)
		}
	}
	return ks
}

func TestUnpickleBigIntsAndOrderedDict(t *testing.T) {
	v, err := unpickle(mustHex("80028a090000000000000000402e")) // 2**70
	require.NoError(t, err)
	assert.Equal(t, 0, v.(*big.Int).Cmp(new(big.Int).Lsh(big.NewInt(1), 70)))
	v, err = unpickle(mustHex("80028a090000000000000000c02e")) // -2**70
	require.NoError(t, err)
	assert.Equal(t, 0, v.(*big.Int).Cmp(new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 70))))
	// collections.OrderedDict(a=1)
	v, err = unpickle(mustHex("800263636f6c6c656374696f6e730a4f726465726564446963740a71002952710158010000006171024b01732e"))
	require.NoError(t, err)
	got, _ := v.(*pyDict).get("a")
	assert.Equal(t, int64(1), got)
	// Python 2 strings: SHORT_BINSTRING 'ab', BINSTRING 'c'.
	v, err = unpickle([]byte("\x80\x02U\x02abT\x01\x00\x00\x00c\x86."))
	require.NoError(t, err)
	assert.Equal(t, pyTuple{"ab", "c"}, v)
}

func TestUnpickleRefuses(t *testing.T) {
	cases := []struct {
		name, pickle, want string
		unsafe             bool
	}{
		{"os.system", "\x80\x02cos\nsystem\nX\x02\x00\x00\x00ls\x85R.", "global os.system is not allowed", true},
		{"builtins.getattr via STACK_GLOBAL", "\x80\x04\x8c\x08builtins\x8c\x07getattr\x93.", "global builtins.getattr is not allowed", true},
		{"torch non-whitelisted", "\x80\x02ctorch\nload\n.", "global torch.load is not allowed", true},
		{"whitelisted global called wrongly", "\x80\x02ccollections\nOrderedDict\nK\x01\x85R.", "collections.OrderedDict with 1 arguments", true},
		{"calling a non-global", "\x80\x02K\x01)R.", "cannot call a int", true},
		{"BUILD on a list", "\x80\x02]}b.", "BUILD: cannot set the state of a list", true},
		{"NEWOBJ", "\x80\x02ccollections\nOrderedDict\n)\x81.", "NEWOBJ (0x81) is not allowed", true},
		{"INST", "\x80\x02(i__main__\nX\n.", "INST (0x69) is not allowed", true},
		{"EXT1", "\x80\x02\x82\x01.", "EXT1 (0x82) is not allowed", true},
		{"unknown opcode", "\x80\x02\xfe.", "unknown opcode 0xfe", false},
		{"protocol 6", "\x80\x06N.", "unsupported pickle protocol 6", false},
		{"huge string", "\x80\x02X\xff\xff\xff\x7f.", "claims 2147483647 bytes but only 1 remain", false},
		{"huge BINUNICODE8", "\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\xff.", "BINUNICODE8", false},
		{"no STOP", "\x80\x02N", "no STOP", false},
		{"empty stack", "\x80\x02\x85.", "empty stack", false},
		{"two values", "\x80\x02NN.", "STOP with 2 values", false},
		{"memo miss", "\x80\x02h\x05.", "memo slot 5, which is empty", false},
		{"tuple without mark", "\x80\x02t.", "without a MARK", false},
		{"mark as value", "\x80\x02(\x85.", "found a MARK", false},
		{"APPENDS to a dict", "\x80\x02}(K\x01e.", "APPENDS (0x65) on a dict", true},
		{"odd SETITEMS", "\x80\x02}(K\x01u.", "odd number", false},
		{"long GLOBAL line", "\x80\x02c" + strings.Repeat("a", 300) + "\n", "longer than 256", false},
		{"bad utf-8", "\x80\x02X\x01\x00\x00\x00\xff.", "invalid UTF-8", false},
		{"PERSID string", "\x80\x02P0\n.", "not a storage reference", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := unpickle([]byte(c.pickle))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "test.pkl: offset ")
			assert.Equal(t, c.unsafe, errors.Is(err, ErrUnsafe), "ErrUnsafe")
		})
	}
}

func TestTensorRefBounds(t *testing.T) {
	st := &storage{key: "0", dt: dtF32, numel: 12}
	ok := func(off int64, size, stride pyTuple) error {
		_, err := newTensorRef(st, off, size, stride)
		return err
	}
	assert.NoError(t, ok(0, pyTuple{int64(3), int64(4)}, pyTuple{int64(4), int64(1)}))
	assert.NoError(t, ok(0, pyTuple{int64(4), int64(3)}, pyTuple{int64(1), int64(4)}))     // transposed
	assert.NoError(t, ok(11, pyTuple{}, pyTuple{}))                                        // scalar at the end
	assert.NoError(t, ok(100, pyTuple{int64(0)}, pyTuple{int64(1)}))                       // empty
	assert.NoError(t, ok(0, pyTuple{int64(1000), int64(12)}, pyTuple{int64(0), int64(1)})) // broadcast
	assert.Error(t, ok(1, pyTuple{int64(3), int64(4)}, pyTuple{int64(4), int64(1)}))
	assert.Error(t, ok(12, pyTuple{}, pyTuple{}))
	assert.Error(t, ok(0, pyTuple{int64(2)}, pyTuple{int64(1 << 49)}))
	assert.Error(t, ok(0, pyTuple{int64(-1)}, pyTuple{int64(1)}))
	assert.Error(t, ok(0, pyTuple{int64(2)}, pyTuple{int64(-1)}))
	assert.Error(t, ok(0, pyTuple{int64(2)}, pyTuple{}))
	assert.Error(t, ok(-1, pyTuple{}, pyTuple{}))
	_, err := newTensorRef("not a storage", int64(0), pyTuple{}, pyTuple{})
	assert.Error(t, err)
}

func FuzzUnpickle(f *testing.F) {
	for _, h := range plainPickles {
		f.Add(mustHex(h))
	}
	f.Add([]byte("\x80\x02ccollections\nOrderedDict\n)R}b."))
	f.Add([]byte("\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x06tQK\x00K\x02K\x03\x86K\x03K\x01\x86\x89ccollections\nOrderedDict\n)RtR."))
	f.Fuzz(func(t *testing.T, p []byte) {
		unpickle(p)
	})
}
