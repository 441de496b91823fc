// Tag suggestions that complete the word after the last comma of a tags field.
for (const input of document.querySelectorAll('input[list="tag-suggestions"]')) {
  const list = document.getElementById(input.getAttribute("list"));
  const names = [...list.options].map((option) => option.value);
  input.addEventListener("input", () => {
    const cut = input.value.lastIndexOf(",");
    const prefix = cut === -1 ? "" : input.value.slice(0, cut + 1).trimEnd() + " ";
    const typed = input.value.slice(cut + 1).trim().toLowerCase();
    const chosen = new Set(input.value.split(",").map((n) => n.trim().toLowerCase()));
    list.replaceChildren(
      ...names
        .filter((n) => n.toLowerCase().startsWith(typed) && !chosen.has(n.toLowerCase()))
        .slice(0, 20)
        .map((n) => new Option(n, prefix + n)),
    );
  });
}
