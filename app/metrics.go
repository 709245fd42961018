package app

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/hzcbec/portal/models"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Prometheus series of one server (its own registry, so tests can run several).
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.HistogramVec
	queries  *prometheus.HistogramVec
}

func newMetrics(store *models.Store) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "portal_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route", "status"}),
		queries: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "portal_db_queries_per_request",
			Help:    "Database queries one request sent, by route.",
			Buckets: []float64{0, 1, 2, 4, 6, 8, 12, 16, 24, 32, 64},
		}, []string{"method", "route"}),
	}
	m.registry.MustRegister(m.requests, m.queries, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newJobsCollector(store))
	return m
}

// observe times every request under its route pattern (never the raw path, to bound the series)
// and counts the database queries it sent.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	ctx, queries := models.CountQueries(c.UserContext())
	c.SetUserContext(ctx)
	err := c.Next()
	s.metrics.requests.WithLabelValues(c.Method(), c.Route().Path, strconv.Itoa(s.statusOf(c, err))).
		Observe(time.Since(start).Seconds())
	s.metrics.queries.WithLabelValues(c.Method(), c.Route().Path).Observe(float64(queries.Load()))
	return err
}

func (s *Server) metricsHandler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}))
}
