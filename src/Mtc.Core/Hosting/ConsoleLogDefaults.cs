namespace Mtc.Core.Hosting;

/// <summary>
/// The console log every host starts from, as configuration defaults below every other source (a setting, an
/// environment variable or <c>--log-format</c> changes any of them): one line per entry with the UTC date and time,
/// no line per HTTP request. <c>Logging:Console:FormatterName=json</c> writes one JSON object per line for log
/// collectors; under systemd the journal's own format is used.
/// </summary>
public static class ConsoleLogDefaults
{
    /// <summary>The formats <c>--log-format</c> accepts, as the console logger names them.</summary>
    public static readonly IReadOnlyList<string> Formats = ["simple", "json"];

    public const string FormatterKey = "Logging:Console:FormatterName";

    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
    {
        [FormatterKey] = "simple",
        ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        ["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true",
        ["Logging:Console:FormatterOptions:TimestampFormat"] = "yyyy-MM-ddTHH:mm:ss.fffZ ",
        ["Logging:LogLevel:Default"] = "Information",
        // One line per request is too much for a service taking batches all day; warnings and errors still show.
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        // A failed uplink or webhook attempt is logged in one line by the product; the HTTP client's own log of it is a
        // stack trace per retry, which during a long outage buries everything else.
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
    };

    /// <summary>The setting for <c>--log-format FORMAT</c>, or an error naming the formats.</summary>
    public static KeyValuePair<string, string?> Format(string format) =>
        Formats.Contains(format, StringComparer.OrdinalIgnoreCase)
            ? new(FormatterKey, format.ToLowerInvariant())
            : throw new FormatException($"--log-format '{format}' is not a log format ({string.Join(" or ", Formats)}).");
}
