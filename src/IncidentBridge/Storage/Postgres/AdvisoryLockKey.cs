using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace IncidentBridge.Storage.Postgres;

/// <summary>
/// PostgreSQL advisory locks are named by a 64-bit number, per database. Ours are derived from a readable name
/// (a stable hash, the same in every replica and every version), prefixed so they stay clear of other users of the database.
/// </summary>
internal static class AdvisoryLockKey
{
    public static long For(string name) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"incidentbridge:{name}")));
}
