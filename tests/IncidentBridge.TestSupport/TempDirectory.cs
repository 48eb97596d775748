namespace IncidentBridge.TestSupport;

/// <summary>A fresh directory under the system temp directory, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    private TempDirectory(string path) => Path = path;

    public string Path { get; }

    /// <param name="purpose">Part of the directory's name, so a leftover one tells what left it.</param>
    public static TempDirectory Create(string purpose) =>
        new(Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"incidentbridge-{purpose}-{Guid.NewGuid():N}")).FullName);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Already gone, or a file still held open: a leftover temp dir is harmless; a failing dispose would hide the test's own result.
        }
    }
}
