<?xml version="1.0" encoding="UTF-8"?>
<!--
  form-lib.xsl - the one form library of every plugin's views (included,
  not a page of its own):  <xsl:include href="../form-lib.xsl"/>

  1. A whole form, as the host's form model writes it (cairn_form_doc):
       <form id="move" action="/patients/3/moves" submit="Continue" title=?>
         <value name="date">2026-11-29</value>*      what was typed
         <error field="date">message</error>*        field "" = the form
         <field name= label= kind= required="yes"? hint=? min=? max=?
                maxlength=? rows=? autocomplete=? type=? class=?>
           <option value= label=/>*                  select and radio
         </field>*
       </form>
     kind: text, textarea, date, integer, number, email, select, radio,
     checkbox, hidden.  Render it with
       <xsl:apply-templates select="form" mode="form"/>

  2. Fields laid out by hand (a long form in sections): the named
     templates form-text, form-select, form-radios, form-checkbox and
     form-error-summary, each with a `form` parameter: the element holding
     <value>s and <error>s (default: the view document's root, /*).
     Choices are either <option> elements (`options`) or a string
     "value|label;value|label" (`list`).

  Ids: a field's control is "<form id>-<name>" inside a form with an id,
  else "f-<name>" ('.' in names becomes '-'); its message "e-" and its
  hint "h-" followed by that id.  Every control has a label; a message sits
  above its control and is tied to it with aria-describedby and
  aria-invalid, and is repeated, linked, in a summary at the top; values
  are shown as typed (text inputs, so a wrong value is not emptied by the
  browser).  No JavaScript.  The page's CSRF field comes from layout.xsl's
  csrf-field template.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <!-- ================================================ ids and messages -->

  <!-- The id of field `name`'s control. -->
  <xsl:template name="form-fid">
    <xsl:param name="form" select="/*"/>
    <xsl:param name="name"/>
    <xsl:choose>
      <xsl:when test="$form/self::form and $form/@id != ''">
        <xsl:value-of select="concat($form/@id, '-', translate($name, '.', '-'))"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="concat('f-', translate($name, '.', '-'))"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The field's message, if any, above its control. -->
  <xsl:template name="form-error-for">
    <xsl:param name="form" select="/*"/>
    <xsl:param name="name"/>
    <xsl:param name="id"/>
    <xsl:for-each select="$form/error[@field = $name][1]">
      <p class="field-error" id="{concat('e-', $id)}">
        <span class="visually-hidden">Error: </span>
        <xsl:value-of select="."/>
      </p>
    </xsl:for-each>
  </xsl:template>

  <!-- aria-describedby (message, hint) and aria-invalid. -->
  <xsl:template name="form-aria">
    <xsl:param name="form" select="/*"/>
    <xsl:param name="name"/>
    <xsl:param name="id"/>
    <xsl:param name="hint" select="''"/>
    <xsl:variable name="bad" select="boolean($form/error[@field = $name])"/>
    <xsl:if test="$bad or $hint != ''">
      <xsl:attribute name="aria-describedby">
        <xsl:if test="$bad"><xsl:value-of select="concat('e-', $id)"/></xsl:if>
        <xsl:if test="$bad and $hint != ''"><xsl:text> </xsl:text></xsl:if>
        <xsl:if test="$hint != ''"><xsl:value-of select="concat('h-', $id)"/></xsl:if>
      </xsl:attribute>
    </xsl:if>
    <xsl:if test="$bad"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
  </xsl:template>

  <xsl:template name="form-field-class">
    <xsl:param name="form" select="/*"/>
    <xsl:param name="name"/>
    <xsl:param name="extra" select="''"/>
    <xsl:attribute name="class">
      <xsl:text>field</xsl:text>
      <xsl:if test="$extra != ''"><xsl:value-of select="concat(' ', $extra)"/></xsl:if>
      <xsl:if test="$form/error[@field = $name]"> invalid</xsl:if>
    </xsl:attribute>
  </xsl:template>

  <!-- Label (with "(required)"), hint and message of a field. -->
  <xsl:template name="form-label">
    <xsl:param name="form" select="/*"/>
    <xsl:param name="name"/>
    <xsl:param name="id"/>
    <xsl:param name="label"/>
    <xsl:param name="hint" select="''"/>
    <xsl:param name="required" select="false()"/>
    <label for="{$id}">
      <xsl:value-of select="$label"/>
      <xsl:if test="$required"><span class="muted"> (required)</span></xsl:if>
    </label>
    <xsl:if test="$hint != ''">
      <span class="hint" id="{concat('h-', $id)}"><xsl:value-of select="$hint"/></span>
    </xsl:if>
    <!-- form-error-for, written out (once per field of every form) -->
    <xsl:for-each select="$form/error[@field = $name][1]">
      <p class="field-error" id="{concat('e-', $id)}">
        <span class="visually-hidden">Error: </span>
        <xsl:value-of select="."/>
      </p>
    </xsl:for-each>
  </xsl:template>

  <!-- The summary of every message at the top of a refused form. -->
  <xsl:template name="form-error-summary">
    <xsl:param name="form" select="/*"/>
    <xsl:param name="title" select="'Not saved: please check the answers'"/>
    <xsl:if test="$form/error">
      <div class="error-summary" role="alert" tabindex="-1">
        <h2><xsl:value-of select="$title"/></h2>
        <ul>
          <xsl:for-each select="$form/error">
            <li>
              <xsl:choose>
                <xsl:when test="@field != '' and not($form/field[@name = current()/@field and @kind = 'hidden'])">
                  <xsl:variable name="id">
                    <xsl:call-template name="form-fid">
                      <xsl:with-param name="form" select="$form"/>
                      <xsl:with-param name="name" select="@field"/>
                    </xsl:call-template>
                  </xsl:variable>
                  <a href="#{$id}"><xsl:value-of select="."/></a>
                </xsl:when>
                <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
              </xsl:choose>
            </li>
          </xsl:for-each>
        </ul>
      </div>
    </xsl:if>
  </xsl:template>

  <!-- ======================================================== controls -->

  <!-- A one-line input (text, date, integer, number, email) or, when
       rows > 0, a textarea. -->
  <xsl:template name="form-text">
    <xsl:param name="form" select="/*"/>
    <xsl:param name="name"/>
    <xsl:param name="label"/>
    <xsl:param name="hint" select="''"/>
    <xsl:param name="kind" select="'text'"/>
    <xsl:param name="type" select="''"/>
    <xsl:param name="rows" select="0"/>
    <xsl:param name="max" select="''"/>
    <xsl:param name="min-value" select="''"/>
    <xsl:param name="max-value" select="''"/>
    <xsl:param name="autocomplete" select="''"/>
    <xsl:param name="class" select="''"/>
    <xsl:param name="required" select="false()"/>
    <xsl:variable name="id" select="concat(substring(concat($form/@id, '-'), 1 div boolean($form/self::form and $form/@id != '')),
                                           substring('f-', 1 div not($form/self::form and $form/@id != '')),
                                           translate($name, '.', '-'))"/>
    <xsl:variable name="value" select="string($form/value[@name = $name])"/>
    <div class="field{substring(' invalid', 1 div boolean($form/error[@field = $name]))}">
      <!-- form-label, written out (the one-line field is the common
           one: a template call with its parameters cost more than the
           label) -->
      <label for="{$id}">
        <xsl:value-of select="$label"/>
        <xsl:if test="$required"><span class="muted"> (required)</span></xsl:if>
      </label>
      <xsl:if test="$hint != ''">
        <span class="hint" id="{concat('h-', $id)}"><xsl:value-of select="$hint"/></span>
      </xsl:if>
      <xsl:for-each select="$form/error[@field = $name][1]">
        <p class="field-error" id="{concat('e-', $id)}">
          <span class="visually-hidden">Error: </span>
          <xsl:value-of select="."/>
        </p>
      </xsl:for-each>
      <xsl:choose>
        <xsl:when test="$rows &gt; 0 or $kind = 'textarea'">
          <textarea id="{$id}" name="{$name}">
            <xsl:attribute name="rows">
              <xsl:choose>
                <xsl:when test="$rows &gt; 0"><xsl:value-of select="$rows"/></xsl:when>
                <xsl:otherwise>3</xsl:otherwise>
              </xsl:choose>
            </xsl:attribute>
            <xsl:if test="$max != ''"><xsl:attribute name="maxlength"><xsl:value-of select="$max"/></xsl:attribute></xsl:if>
            <xsl:call-template name="form-aria">
              <xsl:with-param name="form" select="$form"/>
              <xsl:with-param name="name" select="$name"/>
              <xsl:with-param name="id" select="$id"/>
              <xsl:with-param name="hint" select="$hint"/>
            </xsl:call-template>
            <xsl:value-of select="$value"/>
          </textarea>
        </xsl:when>
        <xsl:otherwise>
          <!-- type: $type when given, else "date" or "email" for those
               kinds, else "text" (substring(s, 1 div false()) is '') -->
          <input id="{$id}" name="{$name}" value="{$value}"
                 type="{$type}{substring(concat(substring('date', 1 div ($kind = 'date')),
                                                substring('email', 1 div ($kind = 'email')),
                                                substring('text', 1 div not($kind = 'date' or $kind = 'email'))),
                                         1 div ($type = ''))}">
            <xsl:if test="$kind = 'integer' or $kind = 'number'">
              <xsl:attribute name="inputmode">
                <xsl:choose>
                  <xsl:when test="$kind = 'integer'">numeric</xsl:when>
                  <xsl:otherwise>decimal</xsl:otherwise>
                </xsl:choose>
              </xsl:attribute>
            </xsl:if>
            <xsl:choose>
              <xsl:when test="$class != ''"><xsl:attribute name="class"><xsl:value-of select="$class"/></xsl:attribute></xsl:when>
              <xsl:when test="$kind = 'date' or $kind = 'integer' or $kind = 'number'"><xsl:attribute name="class">short</xsl:attribute></xsl:when>
            </xsl:choose>
            <xsl:if test="$max != ''"><xsl:attribute name="maxlength"><xsl:value-of select="$max"/></xsl:attribute></xsl:if>
            <xsl:if test="$autocomplete != ''"><xsl:attribute name="autocomplete"><xsl:value-of select="$autocomplete"/></xsl:attribute></xsl:if>
            <xsl:call-template name="form-aria">
              <xsl:with-param name="form" select="$form"/>
              <xsl:with-param name="name" select="$name"/>
              <xsl:with-param name="id" select="$id"/>
              <xsl:with-param name="hint" select="$hint"/>
            </xsl:call-template>
          </input>
        </xsl:otherwise>
      </xsl:choose>
    </div>
  </xsl:template>

  <!-- <option>s from <option value= label=/> elements and from a list
       "value|label;value|label", the current value selected. -->
  <xsl:template name="form-options">
    <xsl:param name="options" select="/.."/>
    <xsl:param name="list" select="''"/>
    <xsl:param name="current"/>
    <xsl:for-each select="$options">
      <option value="{@value}">
        <xsl:if test="@value = $current"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:value-of select="@label"/>
      </option>
    </xsl:for-each>
    <xsl:if test="$list != ''">
      <xsl:variable name="head" select="substring-before(concat($list, ';'), ';')"/>
      <xsl:variable name="v" select="substring-before($head, '|')"/>
      <option value="{$v}">
        <xsl:if test="$v = $current"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:value-of select="substring-after($head, '|')"/>
      </option>
      <xsl:call-template name="form-options">
        <xsl:with-param name="list" select="substring-after($list, ';')"/>
        <xsl:with-param name="current" select="$current"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- A drop-down list, with a first empty choice `blank` ('' for none). -->
  <xsl:template name="form-select">
    <xsl:param name="form" select="/*"/>
    <xsl:param name="name"/>
    <xsl:param name="label"/>
    <xsl:param name="options" select="/.."/>
    <xsl:param name="list" select="''"/>
    <xsl:param name="hint" select="''"/>
    <xsl:param name="blank" select="'Choose'"/>
    <xsl:param name="required" select="false()"/>
    <xsl:variable name="id" select="concat(substring(concat($form/@id, '-'), 1 div boolean($form/self::form and $form/@id != '')),
                                           substring('f-', 1 div not($form/self::form and $form/@id != '')),
                                           translate($name, '.', '-'))"/>
    <div class="field{substring(' invalid', 1 div boolean($form/error[@field = $name]))}">
      <xsl:call-template name="form-label">
        <xsl:with-param name="form" select="$form"/>
        <xsl:with-param name="name" select="$name"/>
        <xsl:with-param name="id" select="$id"/>
        <xsl:with-param name="label" select="$label"/>
        <xsl:with-param name="hint" select="$hint"/>
        <xsl:with-param name="required" select="$required"/>
      </xsl:call-template>
      <select id="{$id}" name="{$name}">
        <xsl:call-template name="form-aria">
          <xsl:with-param name="form" select="$form"/>
          <xsl:with-param name="name" select="$name"/>
          <xsl:with-param name="id" select="$id"/>
          <xsl:with-param name="hint" select="$hint"/>
        </xsl:call-template>
        <xsl:if test="$blank != ''"><option value=""><xsl:value-of select="$blank"/></option></xsl:if>
        <xsl:call-template name="form-options">
          <xsl:with-param name="options" select="$options"/>
          <xsl:with-param name="list" select="$list"/>
          <xsl:with-param name="current" select="string($form/value[@name = $name])"/>
        </xsl:call-template>
      </select>
    </div>
  </xsl:template>

  <!-- Radio buttons in a fieldset; `inline` lays them out in a row. -->
  <xsl:template name="form-radios">
    <xsl:param name="form" select="/*"/>
    <xsl:param name="name"/>
    <xsl:param name="legend"/>
    <xsl:param name="options" select="/.."/>
    <xsl:param name="list" select="''"/>
    <xsl:param name="hint" select="''"/>
    <xsl:param name="inline" select="false()"/>
    <xsl:param name="required" select="false()"/>
    <xsl:variable name="id" select="concat(substring(concat($form/@id, '-'), 1 div boolean($form/self::form and $form/@id != '')),
                                           substring('f-', 1 div not($form/self::form and $form/@id != '')),
                                           translate($name, '.', '-'))"/>
    <xsl:variable name="current" select="string($form/value[@name = $name])"/>
    <fieldset id="{$id}"
              class="field choices{substring(' inline', 1, 7 * number($inline))}{substring(' invalid', 1 div boolean($form/error[@field = $name]))}">
      <xsl:call-template name="form-aria">
        <xsl:with-param name="form" select="$form"/>
        <xsl:with-param name="name" select="$name"/>
        <xsl:with-param name="id" select="$id"/>
        <xsl:with-param name="hint" select="$hint"/>
      </xsl:call-template>
      <legend>
        <xsl:value-of select="$legend"/>
        <xsl:if test="$required"><span class="muted"> (required)</span></xsl:if>
      </legend>
      <xsl:if test="$hint != ''">
        <span class="hint" id="{concat('h-', $id)}"><xsl:value-of select="$hint"/></span>
      </xsl:if>
      <xsl:call-template name="form-error-for">
        <xsl:with-param name="form" select="$form"/>
        <xsl:with-param name="name" select="$name"/>
        <xsl:with-param name="id" select="$id"/>
      </xsl:call-template>
      <xsl:for-each select="$options">
        <xsl:call-template name="form-radio">
          <xsl:with-param name="name" select="$name"/>
          <xsl:with-param name="id" select="concat($id, '-', @value)"/>
          <xsl:with-param name="value" select="@value"/>
          <xsl:with-param name="label" select="@label"/>
          <xsl:with-param name="current" select="$current"/>
        </xsl:call-template>
      </xsl:for-each>
      <xsl:call-template name="form-radio-list">
        <xsl:with-param name="name" select="$name"/>
        <xsl:with-param name="id" select="$id"/>
        <xsl:with-param name="list" select="$list"/>
        <xsl:with-param name="current" select="$current"/>
      </xsl:call-template>
    </fieldset>
  </xsl:template>

  <xsl:template name="form-radio">
    <xsl:param name="name"/>
    <xsl:param name="id"/>
    <xsl:param name="value"/>
    <xsl:param name="label"/>
    <xsl:param name="current"/>
    <label class="choice" for="{$id}">
      <input type="radio" id="{$id}" name="{$name}" value="{$value}">
        <xsl:if test="$value = $current"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
      </input>
      <xsl:text> </xsl:text>
      <xsl:value-of select="$label"/>
    </label>
  </xsl:template>

  <xsl:template name="form-radio-list">
    <xsl:param name="name"/>
    <xsl:param name="id"/>
    <xsl:param name="list"/>
    <xsl:param name="current"/>
    <xsl:if test="$list != ''">
      <xsl:variable name="head" select="substring-before(concat($list, ';'), ';')"/>
      <xsl:variable name="v" select="substring-before($head, '|')"/>
      <xsl:call-template name="form-radio">
        <xsl:with-param name="name" select="$name"/>
        <xsl:with-param name="id" select="concat($id, '-', $v)"/>
        <xsl:with-param name="value" select="$v"/>
        <xsl:with-param name="label" select="substring-after($head, '|')"/>
        <xsl:with-param name="current" select="$current"/>
      </xsl:call-template>
      <xsl:call-template name="form-radio-list">
        <xsl:with-param name="name" select="$name"/>
        <xsl:with-param name="id" select="$id"/>
        <xsl:with-param name="list" select="substring-after($list, ';')"/>
        <xsl:with-param name="current" select="$current"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- A checkbox whose value is "yes". -->
  <xsl:template name="form-checkbox">
    <xsl:param name="form" select="/*"/>
    <xsl:param name="name"/>
    <xsl:param name="label"/>
    <xsl:param name="hint" select="''"/>
    <xsl:variable name="id" select="concat(substring(concat($form/@id, '-'), 1 div boolean($form/self::form and $form/@id != '')),
                                           substring('f-', 1 div not($form/self::form and $form/@id != '')),
                                           translate($name, '.', '-'))"/>
    <div class="field{substring(' invalid', 1 div boolean($form/error[@field = $name]))}">
      <xsl:call-template name="form-error-for">
        <xsl:with-param name="form" select="$form"/>
        <xsl:with-param name="name" select="$name"/>
        <xsl:with-param name="id" select="$id"/>
      </xsl:call-template>
      <label class="choice" for="{$id}">
        <input type="checkbox" id="{$id}" name="{$name}" value="yes">
          <xsl:if test="$form/value[@name = $name] = 'yes'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          <xsl:call-template name="form-aria">
            <xsl:with-param name="form" select="$form"/>
            <xsl:with-param name="name" select="$name"/>
            <xsl:with-param name="id" select="$id"/>
            <xsl:with-param name="hint" select="$hint"/>
          </xsl:call-template>
        </input>
        <xsl:text> </xsl:text>
        <xsl:value-of select="$label"/>
      </label>
      <xsl:if test="$hint != ''">
        <span class="hint" id="{concat('h-', $id)}"><xsl:value-of select="$hint"/></span>
      </xsl:if>
    </div>
  </xsl:template>

  <!-- ==================================================== whole forms -->

  <!-- One declared <field> of a form, by its kind. -->
  <xsl:template match="field" mode="form-field">
    <xsl:param name="form"/>
    <xsl:variable name="name" select="@name"/>
    <xsl:choose>
      <xsl:when test="@kind = 'hidden'">
        <input type="hidden" name="{$name}" value="{$form/value[@name = $name]}"/>
      </xsl:when>
      <xsl:when test="@kind = 'checkbox'">
        <xsl:call-template name="form-checkbox">
          <xsl:with-param name="form" select="$form"/>
          <xsl:with-param name="name" select="$name"/>
          <xsl:with-param name="label" select="@label"/>
          <xsl:with-param name="hint" select="string(@hint)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="@kind = 'select'">
        <xsl:call-template name="form-select">
          <xsl:with-param name="form" select="$form"/>
          <xsl:with-param name="name" select="$name"/>
          <xsl:with-param name="label" select="@label"/>
          <xsl:with-param name="options" select="option"/>
          <xsl:with-param name="hint" select="string(@hint)"/>
          <xsl:with-param name="blank" select="''"/>
          <xsl:with-param name="required" select="@required = 'yes'"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="@kind = 'radio'">
        <xsl:call-template name="form-radios">
          <xsl:with-param name="form" select="$form"/>
          <xsl:with-param name="name" select="$name"/>
          <xsl:with-param name="legend" select="@label"/>
          <xsl:with-param name="options" select="option"/>
          <xsl:with-param name="hint" select="string(@hint)"/>
          <xsl:with-param name="required" select="@required = 'yes'"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="form-text">
          <xsl:with-param name="form" select="$form"/>
          <xsl:with-param name="name" select="$name"/>
          <xsl:with-param name="label" select="@label"/>
          <xsl:with-param name="hint" select="string(@hint)"/>
          <xsl:with-param name="kind" select="@kind"/>
          <xsl:with-param name="type" select="string(@type)"/>
          <xsl:with-param name="rows" select="number(concat('0', @rows))"/>
          <xsl:with-param name="max" select="string(@maxlength)"/>
          <xsl:with-param name="autocomplete" select="string(@autocomplete)"/>
          <xsl:with-param name="class" select="string(@class)"/>
          <xsl:with-param name="required" select="@required = 'yes'"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A whole form from the form model: summary, fields, submit. -->
  <xsl:template match="form" mode="form">
    <xsl:variable name="f" select="."/>
    <form method="post" action="{@action}" class="kit-form" id="form-{@id}" novalidate="novalidate">
      <xsl:call-template name="csrf-field"/>
      <xsl:if test="@title">
        <h3><xsl:value-of select="@title"/></h3>
      </xsl:if>
      <xsl:call-template name="form-error-summary">
        <xsl:with-param name="form" select="$f"/>
        <xsl:with-param name="title" select="'Not saved'"/>
      </xsl:call-template>
      <xsl:apply-templates select="field" mode="form-field">
        <xsl:with-param name="form" select="$f"/>
      </xsl:apply-templates>
      <p class="actions"><button type="submit"><xsl:value-of select="@submit"/></button></p>
    </form>
  </xsl:template>

</xsl:stylesheet>
