using System.Collections.Concurrent;

namespace IncidentBridge.Ingest;

/// <summary>
/// The memory one HMAC-signed source's bodies may hold before their signature can be checked. A signature covers the
/// whole body, so such a body is read before anyone knows who sent it; without a bound, anyone who can reach the
/// endpoint could make the worker hold <c>connections × MaxBodyBytes</c>. Bytes are reserved as they arrive (never by
/// the <c>Content-Length</c> a sender declares) and given back when the request ends. A body that would go over the
/// budget answers 503 with <c>Retry-After</c>: the real senders retry 5xx (docs/PROTOCOLS.md).
/// </summary>
internal sealed class UnauthenticatedBodyBudget(long capacityBytes)
{
    private long _reserved;

    public long CapacityBytes { get; } = capacityBytes;

    /// <summary>Bytes held now by bodies of this source that are being read or waiting for their signature check.</summary>
    public long ReservedBytes => Interlocked.Read(ref _reserved);

    /// <summary>A holder for one request's bytes; dispose it when the request no longer holds them.</summary>
    public Reservation Open() => new(this);

    private bool TryTake(long bytes)
    {
        if (Interlocked.Add(ref _reserved, bytes) <= CapacityBytes)
        {
            return true;
        }

        Interlocked.Add(ref _reserved, -bytes);
        return false;
    }

    private void Give(long bytes) => Interlocked.Add(ref _reserved, -bytes);

    /// <summary>The bytes one request holds against the budget; all given back on dispose, whatever happened.</summary>
    internal sealed class Reservation(UnauthenticatedBodyBudget budget) : IDisposable
    {
        private long _held;

        public bool TryAdd(long bytes)
        {
            if (!budget.TryTake(bytes))
            {
                return false;
            }

            _held += bytes;
            return true;
        }

        public void Dispose()
        {
            budget.Give(_held);
            _held = 0;
        }
    }
}

/// <summary>One <see cref="UnauthenticatedBodyBudget"/> per source, of <c>Ingest:UnauthenticatedBodyBudgetBytes</c> each.</summary>
internal sealed class UnauthenticatedBodyBudgets(IOptions<IngestOptions> options)
{
    private readonly ConcurrentDictionary<string, UnauthenticatedBodyBudget> _bySource = new(StringComparer.Ordinal);

    public UnauthenticatedBodyBudget For(string source) =>
        _bySource.GetOrAdd(source, static (_, capacity) => new UnauthenticatedBodyBudget(capacity), options.Value.UnauthenticatedBodyBudgetBytes);
}
