// This file is the trainer's voice: log lines (text or JSON), the progress
// bar on a terminal, metrics.jsonl, and the compact per-epoch table.

package vgg16

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"
)

// logger writes the trainer's messages as text lines or JSON objects.
type logger struct {
	w    io.Writer
	json bool
}

// say prints a human sentence (as {"event":"message","text":...} in JSON).
func (l *logger) say(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if l.json {
		l.event("message", map[string]any{"text": msg})
		return
	}
	fmt.Fprintln(l.w, msg)
}

// event prints a JSON object {"event": kind, ...fields} in JSON mode only.
func (l *logger) event(kind string, fields map[string]any) {
	if !l.json {
		return
	}
	obj := map[string]any{"event": kind}
	for k, v := range fields {
		obj[k] = v
	}
	b, err := json.Marshal(sanitize(obj))
	if err != nil {
		b = []byte(fmt.Sprintf(`{"event":"error","text":%q}`, err.Error()))
	}
	fmt.Fprintln(l.w, string(b))
}

// sanitize replaces non-finite floats (which JSON cannot hold) by nil,
// recursively through maps, slices and the Metrics struct.
func sanitize(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	case map[string]any:
		for k, e := range x {
			x[k] = sanitize(e)
		}
	case Metrics:
		return metricsJSON(x)
	case *Metrics:
		if x != nil {
			return metricsJSON(*x)
		}
	}
	return v
}

// metricsJSON converts m to a map with NaN AUCs dropped.
func metricsJSON(m Metrics) map[string]any {
	b, _ := json.Marshal(struct {
		Metrics
		ROCAUC *float64 `json:"roc_auc,omitempty"`
		PRAUC  *float64 `json:"pr_auc,omitempty"`
	}{Metrics: m, ROCAUC: finitePtr(m.ROCAUC), PRAUC: finitePtr(m.PRAUC)})
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func finitePtr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// MarshalJSON writes Metrics with non-finite AUCs omitted.
func (m Metrics) MarshalJSON() ([]byte, error) {
	type plain Metrics
	return json.Marshal(struct {
		plain
		ROCAUC *float64 `json:"roc_auc,omitempty"`
		PRAUC  *float64 `json:"pr_auc,omitempty"`
	}{plain: plain(m), ROCAUC: finitePtr(m.ROCAUC), PRAUC: finitePtr(m.PRAUC)})
}

// UnmarshalJSON reads Metrics, with absent AUCs as NaN.
func (m *Metrics) UnmarshalJSON(b []byte) error {
	type plain Metrics
	aux := struct {
		*plain
		ROCAUC *float64 `json:"roc_auc,omitempty"`
		PRAUC  *float64 `json:"pr_auc,omitempty"`
	}{plain: (*plain)(m)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	m.ROCAUC, m.PRAUC = math.NaN(), math.NaN()
	if aux.ROCAUC != nil {
		m.ROCAUC = *aux.ROCAUC
	}
	if aux.PRAUC != nil {
		m.PRAUC = *aux.PRAUC
	}
	return nil
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progress draws a one-line progress bar on a terminal.
type progress struct {
	on         bool
	w          io.Writer
	total      int
	start      time.Time
	last       time.Time
	label      string
	lossEWMA   float64
	haveLoss   bool
	drewSome   bool
	imagesDone int
}

func newProgress(on bool) *progress { return &progress{on: on, w: os.Stderr} }

func (p *progress) begin(label string, total int) {
	p.label, p.total, p.imagesDone, p.haveLoss = label, total, 0, false
	p.start = time.Now()
	p.last = time.Time{}
}

// step records n more images and the batch loss, redrawing at most 5 times
// a second.
func (p *progress) step(n int, loss float64) {
	p.imagesDone += n
	if !p.haveLoss {
		p.lossEWMA, p.haveLoss = loss, true
	} else {
		p.lossEWMA = 0.9*p.lossEWMA + 0.1*loss
	}
	if !p.on || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	el := time.Since(p.start).Seconds()
	rate := float64(p.imagesDone) / math.Max(el, 1e-9)
	frac := float64(p.imagesDone) / float64(max(p.total, 1))
	const width = 24
	fill := int(frac * width)
	eta := time.Duration(float64(p.total-p.imagesDone)/math.Max(rate, 1e-9)) * time.Second
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%% %6.1f img/s ETA %-8s loss %.4f ", p.label,
		strings.Repeat("=", fill), strings.Repeat(" ", width-fill), 100*frac, rate, eta.Round(time.Second), p.lossEWMA)
	p.drewSome = true
}

// end clears the bar's line.
func (p *progress) end() {
	if p.on && p.drewSome {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", 100))
		p.drewSome = false
	}
}

// confusionText renders a confusion matrix with class names.
func confusionText(conf [][]int, classes []string) string {
	var b strings.Builder
	wName := 10
	for _, c := range classes {
		wName = max(wName, len(c))
	}
	fmt.Fprintf(&b, "%-*s", wName+2, "true\\pred")
	for _, c := range classes {
		fmt.Fprintf(&b, " %10s", clip(c, 10))
	}
	b.WriteByte('\n')
	for i, row := range conf {
		fmt.Fprintf(&b, "%-*s", wName+2, classes[i])
		for _, v := range row {
			fmt.Fprintf(&b, " %10d", v)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
