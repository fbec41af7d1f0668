using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Mtc.Core.Hosting;

namespace Mtc.Cloud.Hosting;

/// <summary>
/// Every setting the cloud binds: each public options class with a <c>Section</c> constant (e.g. <see cref="CloudOptions"/>
/// at <c>Cloud</c>, <c>WorkerOptions</c> at <c>Cloud:Worker</c>), found by reflection so that a new options class is covered
/// by the check at start and by the configuration reference's test without being listed anywhere.
/// </summary>
public static class SettingsCatalog
{
    /// <summary>The roots the cloud's own settings live under; other roots (<c>Logging</c>, <c>urls</c>, ...) are the host's.</summary>
    private static readonly IReadOnlyList<(string Section, Type Type)> Bound = [.. typeof(SettingsCatalog).Assembly.GetExportedTypes()
        .Select(t => (Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static), Type: t))
        .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string) && x.Type.Name.EndsWith("Options", StringComparison.Ordinal))
        .Select(x => ((string)x.Field!.GetRawConstantValue()!, x.Type))
        .OrderBy(x => x.Item1, StringComparer.Ordinal)];

    public static IReadOnlyList<(string Section, Type Type)> Sections => Bound;

    /// <summary>Every setting's path (<c>Cloud:RateLimitPerSecond</c>) with its default and property.</summary>
    public static IEnumerable<SettingPath> Settings() => Bound.SelectMany(b => SettingsReflection.Paths(b.Type, b.Section));

    /// <summary>
    /// Throws <see cref="CloudSettingsException"/> naming every key under the cloud's sections that no options class binds,
    /// and every value that does not convert to its setting's type, so a typo fails the start instead of being ignored.
    /// </summary>
    public static void Check(IConfiguration configuration)
    {
        var unknown = new List<string>();
        var invalid = new List<string>();
        foreach (var root in Bound.Select(b => b.Section.Split(':')[0]).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            foreach (var leaf in Leaves(configuration.GetSection(root)))
            {
                var resolved = Bound
                    .Where(b => leaf.Path.StartsWith(b.Section + ":", StringComparison.OrdinalIgnoreCase))
                    .Select(b => SettingsReflection.Resolve(b.Type, leaf.Path[(b.Section.Length + 1)..].Split(':')))
                    .FirstOrDefault(t => t is not null);
                if (resolved is null)
                {
                    unknown.Add(leaf.Path);
                }
                else if (!Converts(resolved, leaf.Value!))
                {
                    invalid.Add($"{leaf.Path}: '{leaf.Value}' is not {Describe(resolved)}");
                }
            }
        }
        if (unknown.Count > 0)
        {
            throw new CloudSettingsException($"unknown setting{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown)} "
                + "(every setting is listed in docs/configuration.md; settings are given as --Cloud:Name=value or Cloud__Name).");
        }
        if (invalid.Count > 0)
        {
            throw new CloudSettingsException(string.Join("; ", invalid) + ".");
        }
    }

    private static IEnumerable<IConfigurationSection> Leaves(IConfigurationSection section)
    {
        foreach (var child in section.GetChildren())
        {
            // A section with children is not a setting itself, whatever value a provider gives it (an empty one, as some do).
            var any = false;
            foreach (var leaf in Leaves(child))
            {
                any = true;
                yield return leaf;
            }
            if (!any && child.Value is not null)
            {
                yield return child;
            }
        }
    }

    private static bool Converts(Type type, string value)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string) || value.Length == 0 && Nullable.GetUnderlyingType(type) is not null)
        {
            return true;
        }
        try
        {
            // What the configuration binder does with a value.
            _ = TypeDescriptor.GetConverter(t).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException || e.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(bool) ? "true or false"
            : t == typeof(int) || t == typeof(long) || t == typeof(short) ? "a whole number"
            : t == typeof(double) || t == typeof(float) || t == typeof(decimal) ? "a number"
            : t == typeof(TimeSpan) ? "a time span (hh:mm:ss)"
            : t.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(t))}"
            : $"a valid {t.Name}";
    }
}

/// <summary>A setting the cloud cannot start with; the message is one line naming it.</summary>
public sealed class CloudSettingsException(string message) : Exception(message);
