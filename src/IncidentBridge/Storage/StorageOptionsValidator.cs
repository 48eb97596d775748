using Microsoft.Extensions.Options;

namespace IncidentBridge.Storage;

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{StorageOptions.Section}:ConnectionString is empty: give an ADO.NET connection string.");
        }

        if (options.Provider == StorageProvider.Postgres)
        {
            failures.Add($"{StorageOptions.Section}:Provider=Postgres is not available in this build yet: use Sqlite.");
        }

        if (options.BusyTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{StorageOptions.Section}:BusyTimeout must be positive (was {options.BusyTimeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
