using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Net.Http.Headers;

namespace IncidentBridge.Ingest;

internal static class RequestBody
{
    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Reads raw request bodies (signatures are over the exact bytes) with bounded memory, whatever the sender does:
/// <list type="bullet">
/// <item>the body is copied as it arrives into small pooled segments, never into a buffer sized by the
/// <c>Content-Length</c> the sender declared, so a connection that declares 1 MiB and sends nothing holds nothing;</item>
/// <item>more than <c>Ingest:MaxBodyBytes</c>, declared or sent, is 413;</item>
/// <item>a body read before its sender is known (an HMAC-signed source) counts against its source's
/// <see cref="UnauthenticatedBodyBudget"/> until the request ends, and beyond it is 503 with <c>Retry-After</c>;</item>
/// <item>a body that does not arrive in full within <c>Ingest:BodyTimeout</c>, or that Kestrel cuts off (below its
/// minimum data rate: <see cref="BadHttpRequestException"/> 408), is 408 with one warning, never a 500.</item>
/// </list>
/// </summary>
internal sealed partial class RequestBodyReader(
    IOptions<IngestOptions> options, UnauthenticatedBodyBudgets budgets, IngestMetrics metrics, TimeProvider time, ILogger<RequestBodyReader> logger)
{
    private const int FirstSegmentBytes = 4 * 1024;
    private const int LargestSegmentBytes = 64 * 1024;

    /// <summary>A JSON webhook body from a sender already authenticated (bearer token).</summary>
    public Task<BodyRead> ReadWebhookAsync(HttpRequest request, string source, CancellationToken cancellationToken) =>
        ReadWebhookAsync(request, source, budget: null, cancellationToken);

    /// <summary>A JSON webhook body that authenticates itself (an HMAC signature of the body): read within the source's budget.</summary>
    public Task<BodyRead> ReadUnauthenticatedWebhookAsync(HttpRequest request, string source, CancellationToken cancellationToken) =>
        ReadWebhookAsync(request, source, budgets.For(source), cancellationToken);

    /// <summary>An API body; the caller was authenticated by the API's token filter.</summary>
    public Task<BodyRead> ReadAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReadAsync(request, budget: null, cancellationToken);

    private async Task<BodyRead> ReadWebhookAsync(HttpRequest request, string source, UnauthenticatedBodyBudget? budget, CancellationToken cancellationToken)
    {
        var read = RequestBody.IsJson(request.ContentType)
            ? await ReadAsync(request, budget, cancellationToken)
            : BodyRead.Failed("unsupported_media_type", Problems.UnsupportedMediaType(request.ContentType));
        if (!read.Ok)
        {
            metrics.Count(source, read.Outcome);
        }

        return read;
    }

    private async Task<BodyRead> ReadAsync(HttpRequest request, UnauthenticatedBodyBudget? budget, CancellationToken cancellationToken)
    {
        var maxBytes = options.Value.MaxBodyBytes;
        if (request.ContentLength > maxBytes)
        {
            return BodyRead.Failed("too_large", Problems.TooLarge(maxBytes));
        }

        var reservation = budget?.Open();
        if (reservation is not null)
        {
            // Given back when the request ends: until then the bytes are held (the body, then the delivery stored).
            request.HttpContext.Response.RegisterForDispose(reservation);
        }

        using var deadline = new CancellationTokenSource(options.Value.BodyTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        using var body = new PooledSegments();
        try
        {
            return await CopyAsync(request, body, reservation, maxBytes, budget, linked.Token);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel cut the sender off (too slow: 408) or the body was malformed or cut short (400).
            LogCutOff(request.Method, request.Path, body.Length, ex.StatusCode, ex.Message);
            return ex.StatusCode == StatusCodes.Status408RequestTimeout
                ? BodyRead.Failed("timeout", Problems.Timeout($"The body did not arrive in time ({ex.Message})."))
                : BodyRead.Failed("invalid", Problems.InvalidField("$", $"The body could not be read: {ex.Message}"));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogCutOff(request.Method, request.Path, body.Length, StatusCodes.Status408RequestTimeout, $"not complete within {options.Value.BodyTimeout} ({IngestOptions.Section}:BodyTimeout)");
            return BodyRead.Failed("timeout", Problems.Timeout($"The body did not arrive in full within {options.Value.BodyTimeout} ({IngestOptions.Section}:BodyTimeout)."));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            // The sender hung up: nobody reads this answer.
            return BodyRead.Failed("aborted", Problems.InvalidField("$", "The request was aborted before its body arrived."));
        }
    }

    private async Task<BodyRead> CopyAsync(
        HttpRequest request, PooledSegments body, UnauthenticatedBodyBudget.Reservation? reservation, int maxBytes, UnauthenticatedBodyBudget? budget, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (body.Length + buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.End);
                return BodyRead.Failed("too_large", Problems.TooLarge(maxBytes));
            }

            if (reservation is not null && budget is not null && !reservation.TryAdd(buffer.Length))
            {
                reader.AdvanceTo(buffer.End);
                LogOverBudget(request.Path, budget.CapacityBytes);
                request.HttpContext.Response.Headers.RetryAfter = "1";
                return BodyRead.Failed("over_budget", Problems.Unavailable(
                    $"Too many unauthenticated bodies are being read at once (over {budget.CapacityBytes} bytes, {IngestOptions.Section}:UnauthenticatedBodyBudgetBytes); retry later."));
            }

            body.Append(buffer);
            reader.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                return BodyRead.Read(body.ToArray());
            }
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Body of {Method} {Path} cut off after {Bytes} bytes, answered {StatusCode}: {Reason}")]
    private partial void LogCutOff(string method, string path, long bytes, int statusCode, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Unauthenticated bodies for {Path} are over their budget of {BudgetBytes} bytes: answered 503")]
    private partial void LogOverBudget(string path, long budgetBytes);

    /// <summary>
    /// The body as it arrives: segments rented from the shared pool, growing from 4 KiB to 64 KiB each, so memory
    /// follows the bytes received, not the bytes announced. Returned to the pool on dispose.
    /// </summary>
    private sealed class PooledSegments : IDisposable
    {
        private readonly List<byte[]> _segments = [];
        private int _usedInLast;

        public long Length { get; private set; }

        public void Append(ReadOnlySequence<byte> data)
        {
            foreach (var memory in data)
            {
                var span = memory.Span;
                while (!span.IsEmpty)
                {
                    if (_segments.Count == 0 || _usedInLast == _segments[^1].Length)
                    {
                        _segments.Add(ArrayPool<byte>.Shared.Rent(Math.Min(FirstSegmentBytes << _segments.Count, LargestSegmentBytes)));
                        _usedInLast = 0;
                    }

                    var count = Math.Min(span.Length, _segments[^1].Length - _usedInLast);
                    span[..count].CopyTo(_segments[^1].AsSpan(_usedInLast));
                    _usedInLast += count;
                    Length += count;
                    span = span[count..];
                }
            }
        }

        public byte[] ToArray()
        {
            var bytes = new byte[Length];
            var offset = 0;
            for (var i = 0; i < _segments.Count; i++)
            {
                var used = i == _segments.Count - 1 ? _usedInLast : _segments[i].Length;
                _segments[i].AsSpan(0, used).CopyTo(bytes.AsSpan(offset));
                offset += used;
            }

            return bytes;
        }

        public void Dispose()
        {
            foreach (var segment in _segments)
            {
                ArrayPool<byte>.Shared.Return(segment);
            }

            _segments.Clear();
        }
    }
}

/// <summary>A body read in full, or the problem that answers it and the outcome counted for it.</summary>
internal readonly record struct BodyRead(byte[]? Bytes, ProblemHttpResult? Problem, string Outcome)
{
    [MemberNotNullWhen(true, nameof(Bytes))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Ok => Problem is null && Bytes is not null;

    public static BodyRead Read(byte[] bytes) => new(bytes, null, "read");

    public static BodyRead Failed(string outcome, ProblemHttpResult problem) => new(null, problem, outcome);
}
