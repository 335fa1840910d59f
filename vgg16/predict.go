// This file opens a model for inference — a gocnn checkpoint, which carries
// everything, or a plain PyTorch/safetensors state dict, whose architecture
// is inferred from its tensor shapes and checked against what the caller
// says — and turns images into logits, probabilities and a class.

package vgg16

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gocnn/gocnn/data"
	"github.com/gocnn/gocnn/nn"
	"github.com/gocnn/gocnn/tensor"
	"github.com/gocnn/gocnn/weights"
)

// OpenOptions say how to open weights for inference. Zero values mean "from
// the file": a gocnn checkpoint's metadata, or what a plain state dict's
// shapes imply.
type OpenOptions struct {
	// Arch is vgg11..vgg19 with an optional _bn. For a plain state dict it is
	// inferred from the conv layers when empty; when given it must match.
	Arch string
	// Classes is the number of classes; it must agree with the file's last
	// layer (1 logit counts as 2 classes). 0: from the file.
	Classes int
	// Labels names the classes; nil: the checkpoint's names, or "0", "1", ….
	Labels []string
	// Size is the input side. 0: the checkpoint's, the compact head's (from
	// its classifier width) or 224. A torchvision head accepts any size >= 32;
	// a compact head only its own.
	Size int
	// Threshold is the probability of class 1 above which a single-logit
	// model predicts class 1; < 0: the checkpoint's, or 0.5.
	Threshold float64
	// Preprocess changes single preprocessing steps.
	Preprocess PreprocessOverrides
	// Algo is the convolution algorithm (auto, direct, im2col, winograd).
	Algo string
	// Batch is the forward batch size of PredictFiles; 0: 8.
	Batch int
	// CacheWeights keeps each convolution's weights in the form its kernel
	// reads (nn.CacheWeights): the Winograd weight transform is made once
	// instead of on every forward pass, which saves a sixth to a third of
	// the deep layers' time at small batches, for four times the
	// convolution weights' memory (VGG16: about 235 MB). The Predictor's
	// Model must then not have its weights changed.
	CacheWeights bool
}

// DefaultOpenOptions returns options that take everything from the file.
func DefaultOpenOptions() OpenOptions {
	return OpenOptions{Threshold: -1, Preprocess: PreprocessOverrides{Pad: -1}}
}

// Predictor runs a model in evaluation mode on images.
type Predictor struct {
	Path       string
	Model      *Model
	Classes    []string // one name per class (2 for a single-logit model)
	Preprocess Preprocess
	Threshold  float64
	// Meta is the checkpoint's metadata, nil for a plain state dict.
	Meta *Meta
	// Report says how a plain state dict's keys matched (nil for a
	// checkpoint, which must match exactly).
	Report *weights.Report
	batch  int
}

// Prediction is one image's result. For a single-logit model Probs is
// [1-p, p] with p = sigmoid(logit) and Class is 1 when p >= Threshold;
// otherwise Probs is the softmax of Logits and Class its argmax.
type Prediction struct {
	File   string    `json:"file"`
	Logits []float32 `json:"logits"`
	Probs  []float64 `json:"probs"`
	Class  int       `json:"class"`
	Label  string    `json:"label"`
	Err    error     `json:"-"`
}

// MarshalJSON writes the prediction, or {"file", "error"} for a failed one.
func (p Prediction) MarshalJSON() ([]byte, error) {
	if p.Err != nil {
		return json.Marshal(struct {
			File  string `json:"file"`
			Error string `json:"error"`
		}{p.File, p.Err.Error()})
	}
	type plain Prediction
	return json.Marshal(plain(p))
}

// Open loads the weights at path (.safetensors, .pth, .pt, in either PyTorch
// format) for inference. Errors name the file and, for shape disagreements,
// the tensor and both shapes.
func Open(path string, opt OpenOptions) (*Predictor, error) {
	sd, err := weights.Load(path)
	if err != nil {
		return nil, err
	}
	p := &Predictor{Path: path, Threshold: 0.5, batch: opt.Batch}
	if p.batch <= 0 {
		p.batch = 8
	}
	var spec Spec
	if js, ok := sd.Metadata[MetaKey]; ok {
		var meta Meta
		if err := json.Unmarshal([]byte(js), &meta); err != nil {
			return nil, fmt.Errorf("checkpoint %s: bad metadata: %v", path, err)
		}
		if meta.Format != MetaFormat {
			return nil, fmt.Errorf("checkpoint %s: format %q, this gocnn reads %q", path, meta.Format, MetaFormat)
		}
		p.Meta = &meta
		spec = meta.Spec
		if opt.Arch != "" && !sameArch(opt.Arch, spec.Arch) {
			return nil, fmt.Errorf("%s: -arch %s, but the checkpoint holds a %s", path, opt.Arch, spec.Arch)
		}
		sd = withoutOptim(sd)
		p.Threshold = meta.Threshold
		p.Preprocess = meta.Preprocess
		p.Classes = meta.Classes
	} else {
		if spec, err = inferSpec(path, sd, opt.Arch); err != nil {
			return nil, err
		}
		p.Preprocess = DefaultPreprocess(spec)
	}
	classes := spec.Outputs
	if classes == 1 {
		classes = 2
	}
	if opt.Classes > 0 && opt.Classes != classes {
		return nil, fmt.Errorf("%s: -classes %d, but the model's last layer has %d output(s) (%d classes)", path, opt.Classes, spec.Outputs, classes)
	}
	if opt.Size > 0 && opt.Size != spec.Size {
		if spec.Head == HeadCompact {
			return nil, fmt.Errorf("%s: -size %d: the compact head only takes its training size %d", path, opt.Size, spec.Size)
		}
		spec.Size = opt.Size
	}
	if opt.Algo != "" {
		spec.Algo = opt.Algo
	}
	if opt.Threshold >= 0 {
		p.Threshold = opt.Threshold
	}
	if opt.Labels != nil {
		p.Classes = opt.Labels
	}
	if len(p.Classes) == 0 {
		for i := range classes {
			p.Classes = append(p.Classes, strconv.Itoa(i))
		}
	}
	if len(p.Classes) != classes {
		return nil, fmt.Errorf("%s: %d class names for a model with %d classes", path, len(p.Classes), classes)
	}
	if p.Preprocess.Size == 0 { // old metadata without preprocessing
		p.Preprocess = DefaultPreprocess(spec)
	}
	if opt.Size > 0 && opt.Preprocess.Size == 0 {
		opt.Preprocess.Size = opt.Size
	}
	p.Preprocess = opt.Preprocess.Apply(p.Preprocess)
	if p.Preprocess.Size != spec.Size {
		return nil, fmt.Errorf("%s: preprocessing makes %dx%d images, the model takes %dx%d", path, p.Preprocess.Size, p.Preprocess.Size, spec.Size, spec.Size)
	}
	if p.Preprocess.Channels != spec.InChannels {
		return nil, fmt.Errorf("%s: preprocessing makes %d-channel images, the model takes %d", path, p.Preprocess.Channels, spec.InChannels)
	}
	if err := p.Preprocess.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m, err := NewUninitialized(spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rep, err := weights.Assign(Targets(m), sd, true)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if p.Meta == nil {
		p.Report = rep
	}
	m.SetTrain(false)
	if opt.CacheWeights {
		nn.CacheWeights(m.Net, true)
	}
	p.Model = m
	return p, nil
}

// sameArch compares architecture names as ParseArch reads them.
func sameArch(a, b string) bool {
	na, ba, err1 := ParseArch(a)
	nb, bb, err2 := ParseArch(b)
	return err1 == nil && err2 == nil && na == nb && ba == bb
}

// withoutOptim returns sd without a resumable checkpoint's optimizer state.
func withoutOptim(sd *weights.StateDict) *weights.StateDict {
	out := weights.NewStateDict()
	for _, k := range sd.Order {
		if strings.HasPrefix(k, optimPrefix) {
			continue
		}
		if t, ok := sd.Tensors[k]; ok {
			out.Add(k, t)
		} else {
			out.AddInt(k, sd.Ints[k])
		}
	}
	return out
}

var featureKey = regexp.MustCompile(`^features\.(\d+)\.(weight|running_mean)$`)

// convCounts maps conv-layer counts to torchvision's names.
var convCounts = map[int]string{8: "vgg11", 10: "vgg13", 13: "vgg16", 16: "vgg19"}

// inferSpec reads a plain VGG state dict's architecture from its shapes:
// the conv count and BN buffers give the arch, features.0.weight the input
// channels, classifier.6 (torchvision head) or classifier.0 alone (compact
// head) the outputs and, for the compact head, the input size.
func inferSpec(path string, sd *weights.StateDict, arch string) (Spec, error) {
	convs, bn := 0, false
	var first []int
	firstIdx := math.MaxInt
	for _, k := range sd.Order {
		mm := featureKey.FindStringSubmatch(k)
		if mm == nil {
			continue
		}
		if mm[2] == "running_mean" {
			bn = true
			continue
		}
		if s, _ := sd.Shape(k); len(s) == 4 {
			convs++
			if i, _ := strconv.Atoi(mm[1]); i < firstIdx {
				firstIdx, first = i, s
			}
		}
	}
	name, ok := convCounts[convs]
	if convs == 0 || first == nil {
		return Spec{}, fmt.Errorf("%s: no VGG conv layers (features.N.weight) in the file: not a torchvision VGG state dict (keys: %s)", path, keySample(sd))
	}
	if !ok {
		return Spec{}, fmt.Errorf("%s: %d conv layers match no VGG (vgg11: 8, vgg13: 10, vgg16: 13, vgg19: 16)", path, convs)
	}
	if bn {
		name += "_bn"
	}
	if arch != "" {
		if _, _, err := ParseArch(arch); err != nil {
			return Spec{}, err
		}
		if !sameArch(arch, name) {
			return Spec{}, fmt.Errorf("%s: -arch %s, but the file holds a %s (%d conv layers, batch norm: %v)", path, arch, name, convs, bn)
		}
	}
	spec := Spec{Arch: name, InChannels: first[1], Size: 224, Head: HeadTorchvision}
	if s, ok := sd.Shape("classifier.6.weight"); ok && len(s) == 2 {
		spec.Outputs = s[0]
	} else if s, ok := sd.Shape("classifier.0.weight"); ok && len(s) == 2 && !sd.Has("classifier.3.weight") {
		spec.Head, spec.Outputs = HeadCompact, s[0]
		f := int(math.Round(math.Sqrt(float64(s[1]) / 512)))
		if f < 1 || 512*f*f != s[1] {
			return Spec{}, fmt.Errorf("%s: classifier.0.weight %v: %d inputs is not 512·f² for a compact head", path, s, s[1])
		}
		spec.Size = 32 * f
	} else {
		return Spec{}, fmt.Errorf("%s: no classifier.6.weight (torchvision head) nor a lone classifier.0.weight (compact head)", path)
	}
	return spec, nil
}

func keySample(sd *weights.StateDict) string {
	keys := append([]string(nil), sd.Order...)
	sort.Strings(keys)
	if len(keys) > 5 {
		keys = append(keys[:5], "…")
	}
	return strings.Join(keys, ", ")
}

// Transform returns the predictor's preprocessing pipeline.
func (p *Predictor) Transform() data.Transform { return p.Preprocess.Transform() }

// Decide turns one image's logits into probabilities and a class.
func (p *Predictor) Decide(logits []float32) (probs []float64, class int) {
	if len(logits) == 1 {
		q := sigmoid(float64(logits[0]))
		if q >= p.Threshold {
			class = 1
		}
		return []float64{1 - q, q}, class
	}
	probs = make([]float64, len(logits))
	mx := math.Inf(-1)
	for i, v := range logits {
		if float64(v) > mx {
			mx, class = float64(v), i
		}
	}
	var sum float64
	for i, v := range logits {
		probs[i] = math.Exp(float64(v) - mx)
		sum += probs[i]
	}
	for i := range probs {
		probs[i] /= sum
	}
	return probs, class
}

// Score returns the score ROC curves and thresholds use: p(class 1) for a
// binary model (single logit or two), the top probability otherwise.
func Score(probs []float64, class int) float64 {
	if len(probs) == 2 {
		return probs[1]
	}
	return probs[class]
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Logits runs the model on a preprocessed batch x [N, C, Size, Size] and
// returns the logits row by row (copies, owned by the caller).
func (p *Predictor) Logits(x *tensor.Tensor) [][]float32 {
	y := p.Model.Forward(x)
	n, k := y.Dim(0), y.Dim(1)
	d := y.Contiguous().Data()
	out := make([][]float32, n)
	for i := range out {
		out[i] = append([]float32(nil), d[i*k:(i+1)*k]...)
	}
	return out
}

// PredictFiles predicts every file, in batches. A file that cannot be read
// or decoded gets a Prediction with Err set (naming the file); the others
// are unaffected.
func (p *Predictor) PredictFiles(paths []string) []Prediction {
	out := make([]Prediction, len(paths))
	t := p.Transform()
	s := &data.Sample{}
	pp := p.Preprocess
	per := pp.Channels * pp.Size * pp.Size
	buf := make([]float32, 0, p.batch*per)
	var pending []int
	flush := func() {
		if len(pending) == 0 {
			return
		}
		x := tensor.Wrap(buf[:len(pending)*per], len(pending), pp.Channels, pp.Size, pp.Size)
		for j, lg := range p.Logits(x) {
			i := pending[j]
			out[i].Logits = lg
			out[i].Probs, out[i].Class = p.Decide(lg)
			out[i].Label = p.Classes[out[i].Class]
		}
		pending, buf = pending[:0], buf[:0]
	}
	for i, path := range paths {
		out[i].File = path
		if _, err := data.LoadImageFile(path, &s.Image); err != nil {
			out[i].Err = err
			continue
		}
		s.Seed(0, 0, uint64(i))
		t.Apply(s)
		if err := checkShape(s, pp); err != nil {
			out[i].Err = fmt.Errorf("%s: %w", path, err)
			continue
		}
		buf = append(buf, s.Pix...)
		pending = append(pending, i)
		if len(pending) == p.batch {
			flush()
		}
	}
	flush()
	return out
}

func checkShape(s *data.Sample, pp Preprocess) error {
	if s.C != pp.Channels || s.H != pp.Size || s.W != pp.Size {
		return fmt.Errorf("preprocessing gave a %dx%dx%d image, want %dx%dx%d", s.C, s.H, s.W, pp.Channels, pp.Size, pp.Size)
	}
	return nil
}
