<?xml version="1.0" encoding="UTF-8"?>
<!--
  intake/form.xsl - the intake questionnaire, one section a page
  (GET /intake/{id}/form?section=; again with 422 when a POST is refused),
  for staff and for the patient through the clinic's link; and the
  closing page (<intake-done/>).

  View document (plugins/intake/form.c):
    <intake-form id= section= action= state= next=? previous=?
                 patient-view="yes"? med-rows= allergy-rows= spare-rows=
                 suggested-function=?>
      <section name= saved="yes"? version=?/>*          progress
      <region code= label=/>*                            pain
      <flag code= question=/>*                           redflags
      <terms version=><p/>*</terms>                      consent
      <instrument id= abbreviation= name= function="yes"?>
        <item name="m.nrs.pain" label= min= max=/>*
      </instrument>*                                     baseline
      <missing>psfs</missing>*                           not defined
      <form id="f">...</form>?   the form model's values and messages
                                (www/views/form-lib.xsl)
    </intake-form>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>

  <!-- The form model's <form>: what was typed and the messages. -->
  <xsl:variable name="form" select="/*/form"/>

  <xsl:variable name="f" select="/intake-form"/>

  <xsl:template name="title-of">
    <xsl:param name="name"/>
    <xsl:choose>
      <xsl:when test="$name = 'demographics'">About you</xsl:when>
      <xsl:when test="$name = 'pain'">Your pain</xsl:when>
      <xsl:when test="$name = 'medicines'">Medicines, allergies, pregnancy</xsl:when>
      <xsl:when test="$name = 'redflags'">Safety questions</xsl:when>
      <xsl:when test="$name = 'goals'">Your goals</xsl:when>
      <xsl:when test="$name = 'baseline'">Where you are now</xsl:when>
      <xsl:when test="$name = 'consent'">The program's terms</xsl:when>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="intake-form" mode="title">
    <xsl:if test="form/error">Not saved: </xsl:if>
    <xsl:call-template name="title-of"><xsl:with-param name="name" select="@section"/></xsl:call-template>
    <xsl:text> · Intake questionnaire</xsl:text>
  </xsl:template>

  <xsl:template match="intake-done" mode="title">Thank you</xsl:template>
  <xsl:template match="intake-done" mode="content">
    <div class="panel narrow-form">
      <h1>Thank you</h1>
      <p class="lead">Your answers are with the clinic.</p>
      <p>A clinician reads them before your first visit and will contact you to arrange it.
        This link no longer opens the questionnaire.</p>
      <p class="muted small">If your pain suddenly gets much worse, or you lose control of your
        bladder or bowels, or feel numb between your legs, seek urgent medical care now.</p>
    </div>
  </xsl:template>

  <xsl:template match="intake-form" mode="content">
    <xsl:if test="not(@patient-view)">
      <p class="muted small"><a href="/intake">Intake</a> / <a href="/intake/{@id}">this intake</a> /</p>
    </xsl:if>
    <h1>
      <xsl:call-template name="title-of"><xsl:with-param name="name" select="@section"/></xsl:call-template>
    </h1>
    <nav class="steps" aria-label="Sections of the questionnaire">
      <ol>
        <xsl:for-each select="section">
          <li>
            <xsl:if test="@saved"><xsl:attribute name="class">done</xsl:attribute></xsl:if>
            <a href="{$f/@action}?section={@name}">
              <xsl:if test="@name = $f/@section"><xsl:attribute name="aria-current">step</xsl:attribute></xsl:if>
              <xsl:call-template name="title-of"><xsl:with-param name="name" select="@name"/></xsl:call-template>
              <xsl:if test="@saved"><span class="visually-hidden"> (saved)</span></xsl:if>
            </a>
          </li>
        </xsl:for-each>
      </ol>
    </nav>
    <p class="muted small">Each section is saved when you press its button; you can come back to the link later.</p>
    <xsl:call-template name="form-error-summary"><xsl:with-param name="form" select="$form"/></xsl:call-template>
    <form class="panel" method="post" action="{@action}" novalidate="novalidate">
      <xsl:call-template name="csrf-field"/>
      <input type="hidden" name="section" value="{@section}"/>
      <xsl:apply-templates select="." mode="section"/>
      <p class="actions">
        <button type="submit">
          <xsl:choose>
            <xsl:when test="@section = 'consent'">Agree and send</xsl:when>
            <xsl:otherwise>Save and continue</xsl:otherwise>
          </xsl:choose>
        </button>
        <xsl:if test="@previous"><a href="{@action}?section={@previous}">Back</a></xsl:if>
      </p>
    </form>
  </xsl:template>

  <!-- ============================================== the sections -->

  <xsl:template match="intake-form[@section = 'demographics']" mode="section">
    <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
      <xsl:with-param name="name" select="'name'"/><xsl:with-param name="label" select="'Full name'"/>
      <xsl:with-param name="autocomplete" select="'name'"/>
    </xsl:call-template>
    <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
      <xsl:with-param name="name" select="'birthDate'"/><xsl:with-param name="label" select="'Date of birth'"/>
      <xsl:with-param name="hint" select="'YYYY-MM-DD, for example 1970-04-30.'"/>
      <xsl:with-param name="autocomplete" select="'bday'"/><xsl:with-param name="class" select="'short-date'"/>
    </xsl:call-template>
    <xsl:call-template name="form-radios"><xsl:with-param name="form" select="$form"/>
      <xsl:with-param name="name" select="'gender'"/><xsl:with-param name="legend" select="'Gender'"/>
      <xsl:with-param name="options" select="$form/field[@name = 'gender']/option"/>
      <xsl:with-param name="inline" select="true()"/>
    </xsl:call-template>
    <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
      <xsl:with-param name="name" select="'contact'"/><xsl:with-param name="label" select="'Phone or email'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="intake-form[@section = 'pain']" mode="section">
    <fieldset id="f-sites">
      <xsl:call-template name="form-field-class"><xsl:with-param name="form" select="$form"/><xsl:with-param name="name" select="'sites'"/><xsl:with-param name="extra" select="'choices columns'"/></xsl:call-template>
      <xsl:call-template name="form-aria"><xsl:with-param name="form" select="$form"/><xsl:with-param name="name" select="'sites'"/><xsl:with-param name="id" select="'f-sites'"/></xsl:call-template>
      <legend>Where does it hurt? Tick every place.</legend>
      <xsl:call-template name="form-error-for"><xsl:with-param name="form" select="$form"/><xsl:with-param name="name" select="'sites'"/><xsl:with-param name="id" select="'f-sites'"/></xsl:call-template>
      <xsl:for-each select="region">
        <xsl:variable name="n" select="concat('site.', @code)"/>
        <label class="choice" for="f-site-{@code}">
          <input type="checkbox" id="f-site-{@code}" name="{$n}" value="yes">
            <xsl:if test="$form/value[@name = $n] = 'yes'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          </input>
          <xsl:text> </xsl:text><xsl:value-of select="@label"/>
        </label>
      </xsl:for-each>
    </fieldset>
    <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
      <xsl:with-param name="name" select="'otherSite'"/><xsl:with-param name="label" select="'Anywhere else, in your words (optional)'"/>
    </xsl:call-template>
    <div class="row">
      <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
        <xsl:with-param name="name" select="'duration'"/><xsl:with-param name="label" select="'How long has it lasted?'"/>
        <xsl:with-param name="class" select="'short'"/><xsl:with-param name="hint" select="'A whole number.'"/>
      </xsl:call-template>
      <xsl:call-template name="form-select"><xsl:with-param name="form" select="$form"/>
        <xsl:with-param name="name" select="'durationUnit'"/><xsl:with-param name="label" select="'Unit'"/>
        <xsl:with-param name="options" select="$form/field[@name = 'durationUnit']/option"/>
      </xsl:call-template>
    </div>
  </xsl:template>

  <xsl:template name="med-rows">
    <xsl:param name="i"/>
    <xsl:param name="n"/>
    <xsl:if test="$i &lt;= $n">
      <fieldset class="row-group">
        <legend>Medicine <xsl:value-of select="$i"/></legend>
        <div class="row">
          <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/><xsl:with-param name="name" select="concat('med.', $i, '.name')"/><xsl:with-param name="label" select="'Name'"/></xsl:call-template>
          <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/><xsl:with-param name="name" select="concat('med.', $i, '.dose')"/><xsl:with-param name="label" select="'Dose'"/><xsl:with-param name="class" select="'short'"/></xsl:call-template>
          <xsl:call-template name="form-select"><xsl:with-param name="form" select="$form"/><xsl:with-param name="name" select="concat('med.', $i, '.unit')"/><xsl:with-param name="label" select="'Unit'"/>
            <xsl:with-param name="options" select="$form/field[@name = concat('med.', $i, '.unit')]/option"/></xsl:call-template>
          <xsl:call-template name="form-select"><xsl:with-param name="form" select="$form"/><xsl:with-param name="name" select="concat('med.', $i, '.frequency')"/><xsl:with-param name="label" select="'How often'"/>
            <xsl:with-param name="options" select="$form/field[@name = concat('med.', $i, '.frequency')]/option"/></xsl:call-template>
        </div>
      </fieldset>
      <xsl:call-template name="med-rows"><xsl:with-param name="i" select="$i + 1"/><xsl:with-param name="n" select="$n"/></xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="allergy-rows">
    <xsl:param name="i"/>
    <xsl:param name="n"/>
    <xsl:if test="$i &lt;= $n">
      <div class="row">
        <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/><xsl:with-param name="name" select="concat('allergy.', $i, '.substance')"/><xsl:with-param name="label" select="concat('Allergy ', $i, ': to what')"/></xsl:call-template>
        <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/><xsl:with-param name="name" select="concat('allergy.', $i, '.reaction')"/><xsl:with-param name="label" select="'Reaction (optional)'"/></xsl:call-template>
      </div>
      <xsl:call-template name="allergy-rows"><xsl:with-param name="i" select="$i + 1"/><xsl:with-param name="n" select="$n"/></xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template match="intake-form[@section = 'medicines']" mode="section">
    <h2>Medicines</h2>
    <p class="hint">Everything you take regularly or when needed: prescribed medicines, painkillers
      bought at a pharmacy, herbs and supplements. Our herbal safety checks read this list.</p>
    <xsl:call-template name="form-checkbox"><xsl:with-param name="form" select="$form"/>
      <xsl:with-param name="name" select="'noMedications'"/><xsl:with-param name="label" select="'I take no medicines, herbs or supplements'"/>
    </xsl:call-template>
    <xsl:variable name="meds" select="count($form/value[. != '' and starts-with(@name, 'med.') and substring(@name, string-length(@name) - 4) = '.name'])"/>
    <xsl:variable name="mrows" select="$meds + number(@spare-rows)"/>
    <xsl:call-template name="med-rows"><xsl:with-param name="i" select="1"/>
      <xsl:with-param name="n" select="($mrows &gt; number(@med-rows)) * number(@med-rows) + ($mrows &lt;= number(@med-rows)) * $mrows"/></xsl:call-template>
    <p class="muted small">Need more rows? Save this page and more appear.</p>
    <h2>Allergies</h2>
    <xsl:call-template name="form-checkbox"><xsl:with-param name="form" select="$form"/>
      <xsl:with-param name="name" select="'noAllergies'"/><xsl:with-param name="label" select="'I have no known allergies'"/>
    </xsl:call-template>
    <xsl:variable name="al" select="count($form/value[. != '' and starts-with(@name, 'allergy.') and substring(@name, string-length(@name) - 9) = '.substance'])"/>
    <xsl:variable name="arows" select="$al + 2"/>
    <xsl:call-template name="allergy-rows"><xsl:with-param name="i" select="1"/>
      <xsl:with-param name="n" select="($arows &gt; number(@allergy-rows)) * number(@allergy-rows) + ($arows &lt;= number(@allergy-rows)) * $arows"/></xsl:call-template>
    <h2>Pregnancy</h2>
    <xsl:call-template name="form-radios"><xsl:with-param name="form" select="$form"/>
      <xsl:with-param name="name" select="'pregnancy'"/><xsl:with-param name="legend" select="'Are you pregnant, or could you be?'"/>
      <xsl:with-param name="options" select="$form/field[@name = 'pregnancy']/option"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="intake-form[@section = 'redflags']" mode="section">
    <p>Some rare but serious conditions need a doctor before any other treatment. Please answer each question.
      If you have new problems with your bladder or bowels, or numbness between your legs,
      <strong>seek urgent medical care today</strong>: do not wait for us.</p>
    <xsl:for-each select="flag">
      <xsl:call-template name="form-radios"><xsl:with-param name="form" select="$form"/>
        <xsl:with-param name="name" select="concat('flag.', @code)"/>
        <xsl:with-param name="legend" select="@question"/>
        <xsl:with-param name="options" select="$form/field[@name = concat('flag.', current()/@code)]/option"/>
        <xsl:with-param name="inline" select="true()"/>
      </xsl:call-template>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="intake-form[@section = 'goals']" mode="section">
    <p>Name 3 to 5 activities that your pain makes hard or stops you doing, in your own words
      (for example “walk the dog for half an hour” or “lift my grandson”). We measure progress against them.</p>
    <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/><xsl:with-param name="name" select="'goal.1'"/><xsl:with-param name="label" select="'Activity 1'"/></xsl:call-template>
    <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/><xsl:with-param name="name" select="'goal.2'"/><xsl:with-param name="label" select="'Activity 2'"/></xsl:call-template>
    <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/><xsl:with-param name="name" select="'goal.3'"/><xsl:with-param name="label" select="'Activity 3'"/></xsl:call-template>
    <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/><xsl:with-param name="name" select="'goal.4'"/><xsl:with-param name="label" select="'Activity 4 (optional)'"/></xsl:call-template>
    <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/><xsl:with-param name="name" select="'goal.5'"/><xsl:with-param name="label" select="'Activity 5 (optional)'"/></xsl:call-template>
  </xsl:template>

  <xsl:template name="scale">
    <xsl:param name="item"/>
    <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
      <xsl:with-param name="name" select="$item/@name"/>
      <xsl:with-param name="label" select="$item/@label"/>
      <xsl:with-param name="hint" select="concat('A number from ', $item/@min, ' to ', $item/@max, '.')"/>
      <xsl:with-param name="class" select="'short'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="intake-form[@section = 'baseline']" mode="section">
    <p>These short questions measure where you are today, so that we can see what changes.</p>
    <xsl:for-each select="instrument[not(@function)]">
      <fieldset>
        <legend><xsl:value-of select="@abbreviation"/>: <xsl:value-of select="@name"/></legend>
        <xsl:if test="@id = 'psfs'">
          <p class="hint">For each of your activities: 0 = unable to do it, 10 = able to do it as before the pain.</p>
        </xsl:if>
        <xsl:for-each select="item"><xsl:call-template name="scale"><xsl:with-param name="item" select="."/></xsl:call-template></xsl:for-each>
      </fieldset>
    </xsl:for-each>
    <xsl:if test="instrument[@function]">
      <xsl:call-template name="form-select"><xsl:with-param name="form" select="$form"/>
        <xsl:with-param name="name" select="'function'"/>
        <xsl:with-param name="label" select="'Region-specific disability measure'"/>
        <xsl:with-param name="hint" select="concat('Suggested from the pain sites: ', translate(@suggested-function, 'dinos', 'DINOS'), '. Its questions are on the clinic’s paper form; enter the score of each section here.')"/>
        <xsl:with-param name="options" select="$form/field[@name = 'function']/option"/>
      </xsl:call-template>
      <xsl:for-each select="instrument[@function]">
        <fieldset class="scale-grid">
          <legend>
            <xsl:value-of select="@abbreviation"/>
            <xsl:text> (only if chosen above): each from </xsl:text>
            <xsl:value-of select="item[1]/@min"/><xsl:text> to </xsl:text><xsl:value-of select="item[1]/@max"/>
          </legend>
          <xsl:for-each select="item">
            <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
              <xsl:with-param name="name" select="@name"/>
              <xsl:with-param name="label" select="@label"/>
              <xsl:with-param name="class" select="'short'"/>
            </xsl:call-template>
          </xsl:for-each>
        </fieldset>
      </xsl:for-each>
    </xsl:if>
    <xsl:if test="missing">
      <p class="muted small">
        <xsl:text>Not defined in this clinic's instruments yet, so not asked: </xsl:text>
        <xsl:for-each select="missing"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:value-of select="translate(., 'psfodin', 'PSFODIN')"/></xsl:for-each>
        <xsl:text>.</xsl:text>
      </p>
    </xsl:if>
  </xsl:template>

  <xsl:template match="intake-form[@section = 'consent']" mode="section">
    <div class="terms">
      <h2>The program's terms (version <xsl:value-of select="terms/@version"/>)</h2>
      <xsl:for-each select="terms/p"><p><xsl:value-of select="."/></p></xsl:for-each>
    </div>
    <xsl:call-template name="form-checkbox"><xsl:with-param name="form" select="$form"/>
      <xsl:with-param name="name" select="'agree'"/>
      <xsl:with-param name="label" select="concat('I have read and agree to these terms (version ', terms/@version, ').')"/>
    </xsl:call-template>
    <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
      <xsl:with-param name="name" select="'signedName'"/><xsl:with-param name="label" select="'Your full name, as your signature'"/>
      <xsl:with-param name="autocomplete" select="'name'"/>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
