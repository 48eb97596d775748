using System.Security.Cryptography;

namespace IncidentBridge.Api;

/// <summary>
/// A set of accepted bearer tokens (several, so a token can be rotated without downtime).
/// Tokens are compared as SHA-256 digests with <see cref="CryptographicOperations.FixedTimeEquals"/>,
/// against every configured token, so neither the length nor the position of a match leaks through timing.
/// </summary>
internal sealed class BearerTokens
{
    private const string Scheme = "Bearer ";
    private readonly byte[][] _digests;

    public BearerTokens(IEnumerable<string> tokens) =>
        _digests = tokens.Where(t => !string.IsNullOrEmpty(t)).Select(Digest).ToArray();

    public bool IsEmpty => _digests.Length == 0;

    /// <summary>True when the <c>Authorization</c> header carries one of the tokens.</summary>
    public bool Accepts(string? authorizationHeader)
    {
        if (authorizationHeader is null
            || authorizationHeader.Length <= Scheme.Length
            || !authorizationHeader.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = Digest(authorizationHeader[Scheme.Length..].Trim());
        var match = false;
        foreach (var digest in _digests)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, presented);
        }

        return match;
    }

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
