// The body editor's own buttons (django-prose-editor extensions, loaded through
// DJANGO_PROSE_EDITOR_EXTENSIONS): a figure from the media library, a pull quote and an
// embed. What they write is plain markup that articles/richtext.py rebuilds on save:
//   <figure><img data-file="<library id>"></figure>   a library image (caption, credit,
//                                                      alt and sizes come from the library)
//   <blockquote class="pull-quote">…</blockquote>     a pull quote
//   <p class="embed-link"><a href="…">…</a></p>         an embed, made a link card on save
import {
  crel,
  Extension,
  gettext,
  Node,
  updateAttrsDialog,
} from "django-prose-editor/editor"

const SEARCH_DELAY_MS = 250

// The picker's and the cards' looks in the editor, beside this file (no inline styles: CSP).
const stylesheet = new URL("../css/body-media-admin.css", import.meta.url).href
if (!document.querySelector(`link[href="${stylesheet}"]`)) {
  document.head.append(crel("link", { rel: "stylesheet", href: stylesheet }))
}

const imageLabel = (image) =>
  [image.caption || image.alt || gettext("Untitled image"), image.credit]
    .filter(Boolean)
    .join(" · ")

const insertLibraryImage = (editor, image) => {
  editor
    .chain()
    .focus()
    .insertContent([
      {
        type: "figure",
        content: [
          {
            type: "image",
            // No alt or caption here: the page takes the library's, unless one is typed.
            attrs: { src: image.src, alt: "", title: imageLabel(image), file: String(image.id) },
          },
        ],
      },
      { type: "paragraph" },
    ])
    .run()
}

const pickerChoice = (image, choose) => {
  const button = crel("button", { type: "button", className: "library-picker__choice" }, [
    crel("img", { src: image.thumbnail, alt: "", width: 120, height: 80 }),
    crel("span", { textContent: imageLabel(image) }),
  ])
  if (!image.alt.trim()) {
    // The page then reads out its caption (or nothing): say so before it is picked.
    button.append(
      crel("span", {
        className: "library-picker__warning",
        textContent: gettext(
          "No alt text: readers who cannot see it get only the caption. Add it in the library.",
        ),
      }),
    )
  }
  button.dataset.libraryImage = image.id
  button.addEventListener("click", () => choose(image))
  return button
}

const openLibraryPicker = (editor, listUrl) => {
  const search = crel("input", { type: "search", name: "q", id: "library-picker-q" })
  const status = crel("p", { className: "library-picker__status", role: "status" })
  const list = crel("div", { className: "library-picker__list" })
  const cancel = crel("button", { type: "button", textContent: gettext("Cancel") })
  const dialog = crel("dialog", { className: "prose-editor-dialog library-picker" }, [
    crel("h3", { className: "prose-editor-dialog-title", textContent: gettext("Library image") }),
    crel("label", { htmlFor: search.id, textContent: gettext("Search alt text, caption, credit") }),
    search,
    status,
    list,
    crel("div", { className: "prose-editor-dialog-buttons" }, [cancel]),
  ])
  const choose = (image) => {
    dialog.close()
    insertLibraryImage(editor, image)
  }
  let asked = 0
  const load = async () => {
    const ask = ++asked
    status.textContent = gettext("Loading…")
    try {
      const url = new URL(listUrl, window.location.href)
      url.searchParams.set("q", search.value)
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      if (!response.ok) throw new Error(response.statusText)
      const { images } = await response.json()
      if (ask !== asked) return
      list.replaceChildren(...images.map((image) => pickerChoice(image, choose)))
      status.textContent = images.length ? "" : gettext("No library image matches.")
    } catch {
      if (ask === asked) status.textContent = gettext("The library could not be loaded.")
    }
  }
  let timer = null
  search.addEventListener("input", () => {
    clearTimeout(timer)
    timer = setTimeout(load, SEARCH_DELAY_MS)
  })
  cancel.addEventListener("click", () => dialog.close())
  dialog.addEventListener("close", () => dialog.remove())
  editor.view.dom.parentElement.append(dialog)
  dialog.showModal()
  load()
}

export const LibraryImage = Extension.create({
  name: "libraryImage",

  addOptions() {
    return { listUrl: null }
  },

  addMenuItems({ buttons, menu }) {
    const { listUrl } = this.options
    if (!listUrl) return
    menu.defineItem({
      name: "libraryImage",
      groups: "nodes",
      button: buttons.material("photo_library", gettext("Library image")),
      command: (editor) => openLibraryPicker(editor, listUrl),
    })
  },
})

export const PullQuote = Node.create({
  name: "pullQuote",
  group: "block",
  content: "paragraph+",
  defining: true,

  parseHTML() {
    return [{ tag: "blockquote.pull-quote", priority: 60 }]
  },

  renderHTML() {
    return ["blockquote", { class: "pull-quote" }, 0]
  },

  addCommands() {
    return {
      togglePullQuote:
        () =>
        ({ commands }) =>
          commands.toggleWrap(this.name),
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "pullQuote",
      groups: "nodes",
      button: buttons.material("campaign", gettext("Pull quote")),
      active: (editor) => editor.isActive("pullQuote"),
      enabled: (editor) => editor.can().togglePullQuote(),
      command: (editor) => editor.chain().focus().togglePullQuote().run(),
    })
  },
})

// Only web addresses are embedded: javascript: or data: would be stripped on save,
// so the dialog refuses them at once, saying why, with what was typed kept.
const EMBED_PROTOCOLS = ["http:", "https:"]

const isWebAddress = (value) => {
  try {
    return EMBED_PROTOCOLS.includes(new URL(value.trim()).protocol)
  } catch {
    return false
  }
}

const refuseScriptAddresses = (editor) => {
  const dialogs = editor.view.dom.parentElement.querySelectorAll("dialog.prose-editor-dialog")
  const input = dialogs[dialogs.length - 1]?.querySelector('input[name="url"]')
  if (!input) return
  const message = crel("p", { className: "prose-editor-help", role: "alert" })
  input.after(message)
  const check = () => {
    const refused = input.value.trim() !== "" && !isWebAddress(input.value)
    const text = refused ? gettext("Only a web address (https://…) can be embedded.") : ""
    input.setCustomValidity(text)
    message.textContent = text
  }
  input.addEventListener("input", check)
  // The dialog checks validity when Insert is pressed: check the latest value first.
  input.form?.addEventListener("click", check, { capture: true })
}

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addAttributes() {
    return {
      url: {
        default: "",
        parseHTML: (element) => element.querySelector("a")?.getAttribute("href") || "",
        renderHTML: () => ({}),
      },
    }
  },

  parseHTML() {
    return [{ tag: "p.embed-link", priority: 60 }]
  },

  renderHTML({ node }) {
    return ["p", { class: "embed-link" }, ["a", { href: node.attrs.url }, node.attrs.url]]
  },

  addCommands() {
    return {
      insertEmbed:
        () =>
        ({ editor }) => {
          const asked = updateAttrsDialog(
            {
              url: {
                type: "string",
                format: "url",
                required: true,
                title: gettext("Link to embed"),
                description: gettext(
                  "YouTube, Vimeo, X, SoundCloud, Flickr or Datawrapper: shown as a card with its title and picture; other links stay links.",
                ),
              },
            },
            { title: gettext("Embed"), submitText: gettext("Insert") },
          )(editor, { url: "" })
          refuseScriptAddresses(editor)
          asked.then((attrs) => {
            const url = attrs?.url.trim()
            // A paragraph after it, for the cursor: typing on must not replace the embed.
            const content = [{ type: this.name, attrs: { url } }, { type: "paragraph" }]
            if (url) editor.chain().focus().insertContent(content).run()
          })
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      button: buttons.material("smart_display", gettext("Embed")),
      enabled: (editor) => editor.can().insertContent({ type: "embed" }),
      command: (editor) => editor.commands.insertEmbed(),
    })
  },
})
