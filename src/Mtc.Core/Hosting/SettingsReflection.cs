using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;

namespace Mtc.Core.Hosting;

/// <summary>One setting an options class binds: its path (<c>Edge:Agents[]:Url</c>), type, property and default.</summary>
public sealed record SettingPath(string Key, Type Type, PropertyInfo Property, string? Default);

/// <summary>
/// What the configuration binder binds in an options class, read by reflection: every setting's path with its default
/// (for the configuration reference) and whether a configuration key binds to anything (for the strict start).
/// List items are written <c>[]</c> and dictionary keys <c>{name}</c> in paths.
/// </summary>
public static class SettingsReflection
{
    private const string Reason = "Reads options classes by reflection, as the configuration binder does.";

    [RequiresUnreferencedCode(Reason)]
    public static IEnumerable<SettingPath> Paths(Type type, string prefix)
    {
        ArgumentNullException.ThrowIfNull(type);
        var instance = Activator.CreateInstance(type);
        foreach (var p in Properties(type))
        {
            var key = $"{prefix}:{p.Name}";
            var target = p.PropertyType;
            if (IsSimple(target))
            {
                yield return new SettingPath(key, target, p, Format(p.GetValue(instance)));
                continue;
            }
            if (Dictionary(target) is { } value)
            {
                (key, target) = ($"{key}:{{name}}", value);
            }
            else if (Element(target) is { } element)
            {
                (key, target) = ($"{key}[]", element);
            }
            if (IsSimple(target))
            {
                yield return new SettingPath(key, target, p, null);
            }
            else if (target.GetConstructor(Type.EmptyTypes) is not null)
            {
                foreach (var nested in Paths(target, key))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>The type the configuration path (split at <c>:</c>) binds to inside <paramref name="type"/>, or null when nothing binds it.</summary>
    [RequiresUnreferencedCode(Reason)]
    public static Type? Resolve(Type type, ReadOnlySpan<string> path)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (path.IsEmpty)
        {
            return IsSimple(type) ? type : null;
        }
        if (IsSimple(type))
        {
            return null;
        }
        if (Dictionary(type) is { } value)
        {
            return Resolve(value, path[1..]);
        }
        if (Element(type) is { } element)
        {
            return int.TryParse(path[0], NumberStyles.None, CultureInfo.InvariantCulture, out _) ? Resolve(element, path[1..]) : null;
        }
        var name = path[0];
        var property = Properties(type).FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        return property is null ? null : Resolve(property.PropertyType, path[1..]);
    }

    /// <summary>Types the binder converts from one string (numbers, text, enums, time spans, ...).</summary>
    public static bool IsSimple(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(DateTimeOffset)
            || t == typeof(DateTime) || t == typeof(Uri) || t == typeof(Guid);
    }

    [RequiresUnreferencedCode(Reason)]
    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.CanWrite && p.SetMethod!.IsPublic || !IsSimple(p.PropertyType) && p.CanRead));

    [RequiresUnreferencedCode(Reason)]
    private static Type? Dictionary(Type type)
    {
        var d = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return d is not null && d.GetGenericArguments()[0] == typeof(string) ? d.GetGenericArguments()[1] : null;
    }

    private static Type? Element(Type type) =>
        type.IsArray ? type.GetElementType()
        : type != typeof(string) && type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0] : null;

    private static string? Format(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString(t.Days > 0 ? @"d\.hh\:mm\:ss" : @"hh\:mm\:ss", CultureInfo.InvariantCulture)
            + (t.Ticks % TimeSpan.TicksPerSecond is var f and > 0 ? "." + f.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0') : ""),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
