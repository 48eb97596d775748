# syntax=docker/dockerfile:1
#
# IncidentBridge worker image.
#   docker build -t incidentbridge:0.1.0 .
#   docker run -d --stop-timeout 40 -p 8080:8080 -v incidentbridge-data:/app/data \
#     -e IncidentBridge__Sources__Alertmanager__BearerTokens__0=... incidentbridge:0.1.0
# (--stop-timeout: Docker's default of 10 s would cut the worker's 30 s graceful shutdown short.)
# Configuration: environment variables (IncidentBridge__Section__Key) or a file mounted at
# /app/config/incidentbridge.json (read relative to the working directory, /app).

# ---- build ------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore from the files that decide the package graph only, so that a change to the code reuses
# the cached restore layer.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/IncidentBridge/IncidentBridge.csproj src/IncidentBridge/
RUN dotnet restore src/IncidentBridge/IncidentBridge.csproj

COPY src/ src/
RUN dotnet publish src/IncidentBridge -c Release -o /app --no-restore

# ---- runtime ----------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime

# The aspnet image (Ubuntu 24.04) ships neither curl nor wget, and HEALTHCHECK needs an HTTP client.
# sqlite3 is for online backups from inside the container (`sqlite3 data/incidentbridge.db
# ".backup data/backup.db"`): a plain file copy of a database in use is not consistent.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl sqlite3 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The binaries stay root-owned and read-only for the worker. Only data/ (the SQLite file) is its own.
COPY --from=build /app ./
# Created and chowned before VOLUME: a new named volume is initialised from this directory,
# ownership included, and changes made after VOLUME would be discarded.
RUN mkdir -p /app/data && chown "$APP_UID:$APP_UID" /app/data
VOLUME ["/app/data"]

# ASPNETCORE_URLS: the address the README documents. The base image also sets
#   ASPNETCORE_HTTP_PORTS=8080; it is emptied because URLS overrides it anyway, and with both set
#   the worker logs an "Overriding HTTP_PORTS" warning at every start.
# IncidentBridge__Logging__Json: one JSON object per line on stdout, for the log collector.
# The GC is ASP.NET Core's default, server GC, which .NET 10 sizes to the application (DATAS). It
#   was workstation GC (DOTNET_gcServer=0) until bench/run.sh measured both under the storms it
#   runs, with MALLOC_ARENA_MAX=2: workstation GC let the heap grow to ~78 MiB and the resident set
#   to 240 MiB at peak; server GC peaked at 187 MiB (bench/RESULTS.md, §5). Idle, both are ~108 MiB.
#   The worker's runtimeconfig.json caps DATAS' gen0 budget at 3x the surviving heap (IncidentBridge.csproj;
#   DOTNET_GCDGen0GrowthMaxFactor overrides it): with DATAS' 10x a storm's heap held up to 78 MiB of dead objects.
# MALLOC_ARENA_MAX=2: glibc gives each thread that meets contention a malloc arena of its own (up to
#   eight per core), and SQLite's page caches are malloc'd from whichever thread ran the statement,
#   so under a storm the thread pool's threads each grew an arena whose free pages stayed resident:
#   ~7 MB of a 170-180 MB peak in bench/profile.sh mixed, ~20 MB of a storm run with the inbox in a
#   file of its own (bench/RESULTS.md), at no cost in throughput. glibc reads it
#   before the runtime starts, so it is set here rather than in the worker.
# DOTNET_shutdownTimeoutSeconds: the host's graceful-shutdown budget after SIGTERM (HostOptions.
#   ShutdownTimeout; the key is "shutdownTimeoutSeconds", HostOptions__ShutdownTimeout is NOT read).
#   30 s is .NET's default, stated here so that it is visible: `docker stop -t` and Kubernetes'
#   terminationGracePeriodSeconds must be longer.
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS="" \
    IncidentBridge__Logging__Json=true \
    MALLOC_ARENA_MAX=2 \
    DOTNET_shutdownTimeoutSeconds=30

EXPOSE 8080

# The non-root "app" user (UID 1654) that the aspnet image defines but does not switch to.
USER $APP_UID

# Liveness only (/healthz): /readyz can fail for a while (storage down) without the process being
# broken. Kubernetes ignores HEALTHCHECK and uses the chart's probes.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1

ENTRYPOINT ["dotnet", "IncidentBridge.dll"]
