using System.Security.Cryptography;
using System.Text;
using IncidentBridge.Api;
using Microsoft.Extensions.Options;

namespace IncidentBridge.Ingest;

/// <summary>
/// How a delivery proves its sender: a bearer token for Alertmanager and Grafana, an HMAC signature of the raw body for PagerDuty
/// (docs/PROTOCOLS.md). The configured credentials are digested once, at start.
/// </summary>
internal sealed class WebhookAuthenticators(IOptions<SourcesOptions> options)
{
    public BearerTokens Alertmanager { get; } = new(options.Value.Alertmanager.BearerTokens);

    public PagerDutySignatureVerifier PagerDuty { get; } = new(options.Value.PagerDuty.SigningSecrets);

    public BearerTokens Grafana { get; } = new(options.Value.Grafana.BearerTokens);
}

/// <summary>
/// Checks <c>X-PagerDuty-Signature: v1=&lt;hex&gt;[,v1=&lt;hex&gt;…]</c>: HMAC-SHA256 of the raw body, one
/// signature per active secret on PagerDuty's side and several secrets on ours, so either side can rotate.
/// Every pair is compared in constant time.
/// </summary>
internal sealed class PagerDutySignatureVerifier
{
    private const string Version = "v1=";
    private const int SignatureBytes = 32;
    private readonly byte[][] _secrets;

    public PagerDutySignatureVerifier(IEnumerable<string> secrets) =>
        _secrets = secrets.Where(s => !string.IsNullOrEmpty(s)).Select(s => Encoding.UTF8.GetBytes(s)).ToArray();

    public bool IsEmpty => _secrets.Length == 0;

    public SignatureCheck Verify(string? header, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return SignatureCheck.Missing;
        }

        var signatures = ParseSignatures(header);
        if (signatures.Count == 0)
        {
            return SignatureCheck.Malformed;
        }

        Span<byte> expected = stackalloc byte[SignatureBytes];
        var match = false;
        foreach (var secret in _secrets)
        {
            HMACSHA256.HashData(secret, body, expected);
            foreach (var signature in signatures)
            {
                match |= CryptographicOperations.FixedTimeEquals(expected, signature);
            }
        }

        return match ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    private static List<byte[]> ParseSignatures(string header)
    {
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // Other versions may appear in future; only v1 is defined today.
            if (part.StartsWith(Version, StringComparison.OrdinalIgnoreCase)
                && part.Length == Version.Length + (SignatureBytes * 2)
                && TryFromHex(part.AsSpan(Version.Length), out var bytes))
            {
                signatures.Add(bytes);
            }
        }

        return signatures;
    }

    private static bool TryFromHex(ReadOnlySpan<char> hex, out byte[] bytes)
    {
        bytes = new byte[hex.Length / 2];
        return Convert.FromHexString(hex, bytes, out _, out _) == System.Buffers.OperationStatus.Done;
    }
}

internal enum SignatureCheck
{
    Valid,
    Missing,
    Malformed,
    Mismatch,
}
