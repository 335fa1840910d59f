// Command embed is a classifier with its model inside: it go:embeds a gocnn
// checkpoint from model/ and serves predictions, so that one static file is
// the whole deployment (a FROM scratch image needs nothing else).
//
// Put a checkpoint written by `gocnn train` (its best.safetensors) at
// model/model.safetensors and build:
//
//	cp runs/mine/best.safetensors examples/embed/model/model.safetensors
//	CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o classify ./examples/embed
//
// Without rebuilding, -model FILE reads a checkpoint from disk instead.
//
// It then classifies image paths read from stdin, one per line, printing one
// JSON object per line:
//
//	ls photos/*.png | ./classify
//	{"image":"photos/a.png","class":"cat","index":0,"probs":[0.93,0.07]}
//
// or, with -http, answers POST /predict (the request body is the image file)
// with the same JSON, and GET /healthz with the class list:
//
//	./classify -http :8080 &
//	curl --data-binary @photos/a.png localhost:8080/predict
package main

import (
	"bufio"
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"github.com/gocnn/gocnn/kernels"
)

// embedded holds model/; a build without a checkpoint there still compiles
// and says at start-up what to do.
//
//go:embed model
var embedded embed.FS

// maxUpload bounds an uploaded image (bytes).
const maxUpload = 32 << 20

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("embed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("http", "", "serve HTTP on this address (e.g. :8080) instead of reading stdin")
	modelFile := fs.String("model", "", "read the checkpoint from this file instead of the embedded one")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := kernels.CheckISA(); err != nil {
		fmt.Fprintf(stderr, "embed: %v\n", err)
		return 1
	}
	b, name, err := checkpointBytes(embedded, *modelFile)
	if err != nil {
		fmt.Fprintf(stderr, "embed: %v\n", err)
		return 1
	}
	p, err := NewPredictor(b, name)
	if err != nil {
		fmt.Fprintf(stderr, "embed: %v\n", err)
		return 1
	}
	if *addr != "" {
		srv := &http.Server{Addr: *addr, Handler: Handler(p), ReadHeaderTimeout: 10 * time.Second}
		fmt.Fprintf(stderr, "embed: serving %s (classes %v, kernels %s) on %s\n", name, p.Classes(), kernels.Active(), *addr)
		if err := srv.ListenAndServe(); err != nil {
			fmt.Fprintf(stderr, "embed: %v\n", err)
			return 1
		}
		return 0
	}
	if err := serveLines(p, stdin, stdout); err != nil {
		fmt.Fprintf(stderr, "embed: %v\n", err)
		return 1
	}
	return 0
}

// checkpointBytes returns the checkpoint to serve: file when given, else the
// one *.safetensors file under model/ in fsys.
func checkpointBytes(fsys fs.FS, file string) ([]byte, string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		return b, file, err
	}
	found, err := fs.Glob(fsys, "model/*.safetensors")
	if err != nil {
		return nil, "", err
	}
	switch len(found) {
	case 0:
		return nil, "", errors.New("no checkpoint embedded: copy one to examples/embed/model/model.safetensors and rebuild, or pass -model FILE")
	case 1:
	default:
		return nil, "", fmt.Errorf("%d checkpoints embedded (%v): keep one", len(found), found)
	}
	b, err := fs.ReadFile(fsys, found[0])
	return b, "embedded:" + path.Base(found[0]), err
}

// serveLines reads image paths from r, one per line (blank lines skipped),
// and writes one JSON Prediction per path to w; a path that cannot be read
// or classified gets a line with "error" set, and the loop goes on.
func serveLines(p *Predictor, r io.Reader, w io.Writer) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for sc.Scan() {
		name := strings.TrimSpace(sc.Text())
		if name == "" {
			continue
		}
		var pr Prediction
		b, err := os.ReadFile(name)
		if err == nil {
			pr, err = p.Predict(b)
		}
		if err != nil {
			pr = Prediction{Index: -1, Error: err.Error()}
		}
		pr.Image = name
		if err := enc.Encode(pr); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil { // one answer per line as it is ready
			return err
		}
	}
	return sc.Err()
}

// Handler serves POST /predict (body: an encoded image; answer: a JSON
// Prediction) and GET /healthz (answer: {"classes": [...]}).
func Handler(p *Predictor) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /predict", func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpload))
		if err != nil {
			writeJSON(w, http.StatusRequestEntityTooLarge, Prediction{Index: -1, Error: err.Error()})
			return
		}
		pr, err := p.Predict(b)
		if err != nil {
			writeJSON(w, http.StatusUnprocessableEntity, Prediction{Index: -1, Error: err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, pr)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"classes": p.Classes(), "isa": kernels.Active().String()})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
