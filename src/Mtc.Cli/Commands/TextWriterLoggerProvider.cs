using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Mtc.Cli.Commands;

/// <summary>Writes log lines to a text writer, one line each (the command's stderr): information and above, warnings and above from the framework.</summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer) : ILoggerProvider
{
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) =>
        new Logger(this, categoryName.StartsWith("Microsoft.", StringComparison.Ordinal) ? LogLevel.Warning : LogLevel.Information);

    public void Dispose()
    {
    }

    private sealed class Logger(TextWriterLoggerProvider provider, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss} {logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}");
            lock (provider._gate)
            {
                provider.Writer.WriteLine(exception is null ? line : line + " " + exception.Message);
                provider.Writer.Flush();
            }
        }
    }

    private TextWriter Writer => writer;
}
