/* procedures.h — the plug-in's four PDB procedures, one file each
 * (proc-*.c); maskgrow.c registers them. */
#ifndef MASKGROW_PROCEDURES_H
#define MASKGROW_PROCEDURES_H

#include <libgimp/gimp.h>

#define MASKGROW_PROC_NEW_HINTS "plug-in-maskgrow-new-hints"
#define MASKGROW_PROC_SEGMENT   "plug-in-maskgrow-segment"
#define MASKGROW_PROC_REFINE    "plug-in-maskgrow-refine"
#define MASKGROW_PROC_APPLY     "plug-in-maskgrow-apply"

/* gimp_ui_init's program name. */
#define MASKGROW_BINARY "maskgrow"

/* The menu the procedures live in. */
#define MASKGROW_MENU "<Image>/Filters/Segmentation"

GimpProcedure *maskgrow_new_hints_procedure (GimpPlugIn *plug_in);
GimpProcedure *maskgrow_segment_procedure   (GimpPlugIn *plug_in);
GimpProcedure *maskgrow_refine_procedure    (GimpPlugIn *plug_in);
GimpProcedure *maskgrow_apply_procedure     (GimpPlugIn *plug_in);

/* Shared by the procedures: one image layer selected, else FALSE + a
 * calling-error return value in *values. */
gboolean maskgrow_one_drawable (GimpProcedure   *procedure,
                                GimpDrawable   **drawables,
                                GimpValueArray **values);

/* The procedure's arguments in a GimpProcedureDialog titled `title`;
 * TRUE if the person pressed OK.  (Segment has its own, dialog.h.) */
gboolean maskgrow_procedure_dialog (GimpProcedure       *procedure,
                                    GimpProcedureConfig *config,
                                    const gchar         *title);

#endif /* MASKGROW_PROCEDURES_H */
