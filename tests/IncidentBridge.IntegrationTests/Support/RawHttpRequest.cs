using System.Globalization;
using System.Net.Sockets;

namespace IncidentBridge.IntegrationTests.Support;

/// <summary>
/// An HTTP/1.1 request written by hand on its own TCP connection, for what <see cref="HttpClient"/> will not do: declare
/// a <c>Content-Length</c> and then send less, slowly, or nothing at all.
/// </summary>
internal sealed class RawHttpRequest : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawHttpRequest(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>Connects and sends the request line and headers (with <c>Content-Length</c>), and no body yet.</summary>
    public static async Task<RawHttpRequest> StartAsync(
        Uri baseAddress, string path, long contentLength, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        var client = new TcpClient();
        try
        {
            await client.ConnectAsync(baseAddress.Host, baseAddress.Port, cancellationToken);
            var request = new RawHttpRequest(client);
            var head = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"POST {path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\n")
                .Append(CultureInfo.InvariantCulture, $"Content-Length: {contentLength}\r\n");
            foreach (var (name, value) in headers)
            {
                head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
            }

            await request.SendAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), cancellationToken);
            return request;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(bytes, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    /// <summary>The status code of the answer (the first line: <c>HTTP/1.1 408 Request Timeout</c>); null if the server closed the connection without one.</summary>
    public async Task<int?> ReadStatusAsync(CancellationToken cancellationToken)
    {
        var received = new List<byte>();
        var buffer = new byte[1024];
        while (!received.Contains((byte)'\n'))
        {
            int read;
            try
            {
                read = await _stream.ReadAsync(buffer, cancellationToken);
            }
            catch (IOException)
            {
                return null;
            }

            if (read == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var line = Encoding.ASCII.GetString([.. received]).Split('\n')[0];
        var parts = line.Split(' ');
        return parts.Length >= 2 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var status) ? status : null;
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
