# Day-to-day entry points. The scripts do the work so they can also be run by hand;
# see scripts/stack.sh for how PostgreSQL and Meilisearch are brought up without Docker.

.PHONY: run test chaos bench build fmt vet clean-data

# Serve on a local stack under .data (PORTAL_DATA_DIR); Ctrl-C stops what it started.
run:
	scripts/run.sh

# The whole suite against real components under .data/test; `make test ARGS='-run TestX ./models'`.
test:
	scripts/test.sh $(ARGS)

# Benchmarks, built with -tags bench (the benchmark data generators and `portal bench-data`).
bench:
	@if [ -f scripts/bench.sh ]; then bash scripts/bench.sh; else echo "make bench: scripts/bench.sh does not exist yet" >&2; exit 1; fi

build:
	go build -o bin/portal .

fmt:
	gofmt -s -w .

# Twice: the benchmark data generators are only compiled with -tags bench.
vet:
	go vet ./...
	go vet -tags bench ./...

# Stop first: deleting the files under live servers would leave them orphaned, still holding
# their sockets and ports. DATABASE_URL/MEILI_URL are dropped so that stack.sh does not skip
# the servers living in the folder about to be removed.
clean-data:
	-env -u DATABASE_URL -u MEILI_URL PORTAL_DATA_DIR=.data/test scripts/stack.sh stop
	-env -u DATABASE_URL -u MEILI_URL PORTAL_DATA_DIR=.data scripts/stack.sh stop
	rm -rf .data

# The fault test's long form: a longer load, every fault five times, Meilisearch killed too.
chaos:
	PORTAL_CHAOS=1 scripts/test.sh -run TestFaults -v ./faults
