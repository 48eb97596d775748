using System.Security.Cryptography;

namespace IncidentBridge.IntegrationTests.Support;

internal static class Secrets
{
    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
