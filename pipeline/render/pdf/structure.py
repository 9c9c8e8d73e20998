"""The structure tree written into the PDF reportlab saved, and the document keys a tagged PDF
carries (PDF/UA-1 is the aim): StructTreeRoot and ParentTree, /StructParents and /Tabs on each
page, a Link element for each link annotation, /MarkInfo, /Lang, the title shown in the window,
and the title and PDF/UA part in the XMP metadata.

Done after saving because the page dictionaries need /StructParents and the elements need the
pages' objects, which reportlab offers no public hook for; pikepdf edits the saved file, and
qpdf (under pikepdf) keeps it well formed.
"""

from __future__ import annotations

import io

from pipeline.render.pdf.tagging import Node, Tagger


def apply_structure(data: bytes, tagger: Tagger, *, title: str, lang: str) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = [page.obj for page in pdf.pages]
        elements: dict[int, pikepdf.Object] = {}
        annotation_parents: list[tuple[pikepdf.Object, pikepdf.Object]] = []

        def make(node: Node, parent: pikepdf.Object) -> pikepdf.Object:
            # Each key set on a pikepdf object is a call into qpdf: the keys known before the
            # children are made go in with the dictionary (a pack has tens of thousands).
            role = roles.get(node.role)
            if role is None:
                role = roles[node.role] = pikepdf.Name("/" + node.role)
            keys: dict[str, object] = {"/Type": struct_elem, "/S": role, "/P": parent}
            if node.alt is not None:
                keys["/Alt"] = pikepdf.String(node.alt)
            if node.actual_text is not None:
                keys["/ActualText"] = pikepdf.String(node.actual_text)
            if node.bbox is not None:
                keys["/A"] = pikepdf.Dictionary(O=pikepdf.Name.Layout, Placement=pikepdf.Name.Block,
                                                BBox=pikepdf.Array([round(v, 2) for v in node.bbox]))
            elif node.attrs:
                keys["/A"] = pikepdf.Dictionary({"/" + key: pikepdf.Name("/" + value)
                                                 for key, value in node.attrs.items()})
            kids = []
            if node.mcrs:
                first_page = node.mcrs[0][0]
                keys["/Pg"] = pages[first_page]
                for page, mcid in node.mcrs:
                    kids.append(mcid if page == first_page else
                                pikepdf.Dictionary(Type=pikepdf.Name.MCR, MCID=mcid, Pg=pages[page]))
            element = pdf.make_indirect(pikepdf.Dictionary(keys))
            for child in node.children:
                if child.has_content() or child.structural:
                    kids.append(make(child, element))
            for page, first, end in node.links:
                annotations = pages[page].get("/Annots", pikepdf.Array())
                # Neighbouring annotations to the same place (a contents entry's text and its page
                # number) are one link.
                for group in _same_target([annotations[i] for i in range(first, min(end, len(annotations)))]):
                    link = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem,
                                                                S=pikepdf.Name.Link, P=element, Pg=pages[page]))
                    link.K = pikepdf.Array([pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=annotation,
                                                               Pg=pages[page]) for annotation in group])
                    for annotation in group:
                        _describe_link(annotation, node)
                        annotation_parents.append((annotation, link))
                    kids.append(link)
            element.K = pikepdf.Array(kids)
            elements[id(node)] = element
            return element

        struct_elem = pikepdf.Name.StructElem
        roles: dict[str, pikepdf.Name] = {}
        root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
        root.K = pikepdf.Array([make(tagger.root, root)])

        # ParentTree: key i (page i's /StructParents) -> the element of each MCID on that page;
        # then one key for each link annotation's /StructParent.
        nums = pikepdf.Array()
        for index, page in enumerate(pages):
            page.StructParents = index
            page.Tabs = pikepdf.Name.S
            nums.append(index)
            nums.append(pdf.make_indirect(pikepdf.Array(
                [elements[id(node)] for node in tagger.page_mcids.get(index, [])])))
        key = len(pages)
        for annotation, link in annotation_parents:
            annotation.StructParent = key
            nums.append(key)
            nums.append(link)
            key += 1
        root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=nums))
        root.ParentTreeNextKey = key

        catalog = pdf.Root
        catalog.StructTreeRoot = root
        catalog.MarkInfo = pikepdf.Dictionary(Marked=True)
        catalog.Lang = pikepdf.String(lang)
        catalog.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
        pdf.docinfo.Title = pikepdf.String(title)
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:title"] = title
            meta["pdfuaid:part"] = "1"
        out = io.BytesIO()
        # deterministic_id: the file's /ID comes from its content, so the same input gives the
        # same bytes (reportlab's invariant mode does the same for its part). Object streams keep
        # the structure tree's many small objects compact: a 100-article pack is 0.7 MB with
        # them and 2.7 MB without.
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def _same_target(annotations: list) -> list[list]:
    groups: list[list] = []
    for annotation in annotations:
        if groups and _target(groups[-1][-1]) == _target(annotation):
            groups[-1].append(annotation)
        else:
            groups.append([annotation])
    return groups


def _target(annotation) -> str:
    action = annotation.get("/A")
    if action is not None:
        return "uri:" + str(action.get("/URI", "")) if "/URI" in action else "action:" + repr(action.get("/D"))
    return "dest:" + repr(annotation.get("/Dest"))


def _describe_link(annotation, node: Node) -> None:
    """A link annotation's /Contents, which PDF/UA asks for: where it goes."""
    import pikepdf

    if str(annotation.get("/Contents", "")):
        return
    action = annotation.get("/A")
    if action is not None and "/URI" in action:
        annotation.Contents = pikepdf.String(str(action.URI))
    elif node.link_label:
        annotation.Contents = pikepdf.String(node.link_label)
    else:
        annotation.Contents = pikepdf.String("Link within the document")
