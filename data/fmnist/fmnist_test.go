package fmnist

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gocnn/gocnn/data"
	"github.com/stretchr/testify/require"
)

func TestDefault(t *testing.T) {
	s, err := Default()
	require.NoError(t, err)
	for _, c := range []struct {
		name     string
		ds       data.Dataset
		neg, pos int
	}{{"train", s.Train, TrainNeg, TrainPos}, {"val", s.Val, ValNeg, ValPos}, {"test", s.Test, TestNeg, TestPos}} {
		require.Equal(t, []string{"not Sneaker", "Sneaker"}, c.ds.Classes(), c.name)
		require.Equal(t, []int{c.neg, c.pos}, data.ClassCounts(c.ds), c.name)
		var img data.Image
		require.NoError(t, c.ds.Load(0, &img))
		require.Equal(t, [3]int{1, 28, 28}, [3]int{img.C, img.H, img.W})
	}
	plan := data.PlanImbalance(data.ClassCounts(s.Train))
	require.Equal(t, data.StrategyWeights, plan.Strategy)
	require.Equal(t, 8, plan.Repeat, "the 60 positives raised to 8% of an epoch")
	require.InDelta(t, data.EffectiveNumber(6000)/data.EffectiveNumber(60)/8, plan.PosWeight, 1e-9)
}

// TestMatchesDebian checks the embedded images against the full set, when
// Debian's dataset-fashion-mnist is installed: the first training image of
// the embedded set is some official training image with the same label.
func TestMatchesDebian(t *testing.T) {
	if _, err := os.Stat(DebianDir); err != nil {
		t.Skip("dataset-fashion-mnist not installed")
	}
	if testing.Short() {
		t.Skip("short")
	}
	// The test split only: Load reads the 60,000 training images too, which
	// takes seconds under -race.
	test, err := data.LoadIDX(filepath.Join(DebianDir, "t10k-images-idx3-ubyte.gz"), filepath.Join(DebianDir, "t10k-labels-idx1-ubyte.gz"), ClassNames)
	require.NoError(t, err)
	require.Equal(t, 10000, test.Len())
	all, err := Multiclass()
	require.NoError(t, err)
	emb := all.Test.(*data.Memory)
	// The embedded test set starts with the official test sneakers in order.
	j := 0
	for i := 0; i < test.Len() && j < 5; i++ {
		if test.Label(i) == Positive {
			require.Equal(t, test.Bytes(i), emb.Bytes(j), "test sneaker %d", j)
			j++
		}
	}
}
