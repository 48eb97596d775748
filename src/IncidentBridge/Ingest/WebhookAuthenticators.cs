using System.Security.Cryptography;

namespace IncidentBridge.Ingest;

/// <summary>
/// How a delivery proves its sender: a bearer token for Alertmanager and Grafana, an HMAC signature of the raw body for
/// PagerDuty, Jira and GitHub (docs/PROTOCOLS.md). The configured credentials are digested once, at start.
/// </summary>
internal sealed class WebhookAuthenticators(IOptions<SourcesOptions> options)
{
    public BearerTokens Alertmanager { get; } = new(options.Value.Alertmanager.BearerTokens);

    public HmacSignatureVerifier PagerDuty { get; } = HmacSignatureVerifier.ForPagerDuty(options.Value.PagerDuty.SigningSecrets);

    public HmacSignatureVerifier Jira { get; } = HmacSignatureVerifier.ForHub(options.Value.Jira.WebhookSecrets);

    public HmacSignatureVerifier GitHub { get; } = HmacSignatureVerifier.ForHub(options.Value.GitHub.WebhookSecrets);


    public BearerTokens Grafana { get; } = new(options.Value.Grafana.BearerTokens);
}

/// <summary>
/// Checks an HMAC-SHA256 signature of the raw body: PagerDuty's <c>X-PagerDuty-Signature: v1=&lt;hex&gt;[,v1=&lt;hex&gt;…]</c>
/// (one signature per active secret on its side), or the <c>sha256=&lt;hex&gt;</c> of Jira's <c>X-Hub-Signature</c> and
/// GitHub's <c>X-Hub-Signature-256</c>. Several secrets on our side, so either side can rotate; every pair is compared in
/// constant time.
/// </summary>
internal sealed class HmacSignatureVerifier
{
    private const int SignatureBytes = 32;
    private readonly byte[][] _secrets;
    private readonly string _version;

    private HmacSignatureVerifier(IEnumerable<string> secrets, string version)
    {
        _secrets = secrets.Where(s => !string.IsNullOrEmpty(s)).Select(s => Encoding.UTF8.GetBytes(s)).ToArray();
        _version = version;
    }

    public static HmacSignatureVerifier ForPagerDuty(IEnumerable<string> secrets) => new(secrets, "v1=");

    public static HmacSignatureVerifier ForHub(IEnumerable<string> secrets) => new(secrets, "sha256=");

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

    private List<byte[]> ParseSignatures(string header)
    {
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // PagerDuty may add other versions; only v1 is defined today.
            if (part.StartsWith(_version, StringComparison.OrdinalIgnoreCase)
                && part.Length == _version.Length + (SignatureBytes * 2)
                && TryFromHex(part.AsSpan(_version.Length), out var bytes))
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
