package ops

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	httppprof "net/http/pprof"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Readiness says whether the service can do its work, and why not.
type Readiness struct {
	reason atomic.Pointer[string]
	detail atomic.Pointer[string]
}

// NewReadiness starts not ready.
func NewReadiness(reason string) *Readiness {
	r := &Readiness{}
	r.NotReady(reason)
	return r
}

// Ready marks the service ready.
func (r *Readiness) Ready() { r.ReadyWith("") }

// ReadyWith marks the service ready, with what /readyz says about it.
func (r *Readiness) ReadyWith(detail string) {
	r.detail.Store(&detail)
	r.reason.Store(nil)
}

// Detail is what the service said when it became ready.
func (r *Readiness) Detail() string {
	if p := r.detail.Load(); p != nil {
		return *p
	}
	return ""
}

// NotReady marks the service not ready, with a reason for /readyz.
func (r *Readiness) NotReady(reason string) { r.reason.Store(&reason) }

// Check returns "" when ready, else the reason.
func (r *Readiness) Check() string {
	if p := r.reason.Load(); p != nil {
		return *p
	}
	return ""
}

// Server serves /healthz, /readyz and /metrics.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Listen binds the operations endpoint; with pprof it also serves Go's
// profiler at /debug/pprof/ (off by default: a profile shows memory).
func Listen(addr string, ready *Readiness, m *Metrics, pprof bool) (*Server, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if reason := ready.Check(); reason != "" {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready:", reason)
			return
		}
		if d := ready.Detail(); d != "" {
			fmt.Fprintln(w, "ready:", d)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("/metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry}))
	if pprof {
		mux.HandleFunc("/debug/pprof/", httppprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", httppprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", httppprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", httppprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", httppprof.Trace)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("operations endpoint on %s: %w", addr, err)
	}
	s := &Server{srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}, ln: ln}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err
		}
	}()
	return s, nil
}

// Addr is the bound address.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server.
func (s *Server) Close(ctx context.Context) error { return s.srv.Shutdown(ctx) }
